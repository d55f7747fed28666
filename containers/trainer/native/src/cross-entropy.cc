// Log-softmax gathered at target ids and its backward, parallel over rows; negative targets are ignored rows.
#include <cmath>
#include <limits>
#include "kernels.h"
#include "fast-exp.h"
#include "parallel.h"

namespace swirl {

void logSoftmaxGatherForward(const float* logits, const int32_t* targets, size_t rows, size_t vocab, float* logProbs,
                             float* logSumExp) {
#pragma omp parallel for if (rows * vocab > kParallelThreshold)
  for (size_t r = 0; r < rows; ++r) {
    const float* row = logits + r * vocab;
    float maximum = -std::numeric_limits<float>::infinity();
    for (size_t j = 0; j < vocab; ++j) maximum = row[j] > maximum ? row[j] : maximum;
    float total = 0;
#pragma omp simd reduction(+ : total)
    for (size_t j = 0; j < vocab; ++j) total += fastExp(row[j] - maximum);
    const float lse = maximum + (float)std::log(total);
    logSumExp[r] = lse;
    logProbs[r] = targets[r] < 0 ? 0.0f : row[targets[r]] - lse;
  }
}

void logSoftmaxGatherBackward(const float* logits, const int32_t* targets, const float* logSumExp, const float* gradLogProbs,
                              size_t rows, size_t vocab, float* gradLogits) {
#pragma omp parallel for if (rows * vocab > kParallelThreshold)
  for (size_t r = 0; r < rows; ++r) {
    const float gradient = gradLogProbs[r];
    if (targets[r] < 0 || gradient == 0.0f) continue;
    const float* row = logits + r * vocab;
    float* target = gradLogits + r * vocab;
    const float lse = logSumExp[r];
#pragma omp simd
    for (size_t j = 0; j < vocab; ++j) target[j] -= gradient * fastExp(row[j] - lse);
    target[targets[r]] += gradient;
  }
}

}  // namespace swirl
