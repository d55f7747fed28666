// RMSNorm and rotate-half RoPE kernels, parallel over rows.
#include <cmath>
#include <vector>
#include "kernels.h"
#include "parallel.h"

namespace swirl {

void rmsNormForward(const float* x, const float* weight, size_t rows, size_t dim, float eps, float* out, float* inverseRms) {
#pragma omp parallel for if (rows * dim > kParallelThreshold)
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * dim;
    double squares = 0;
#pragma omp simd reduction(+ : squares)
    for (size_t j = 0; j < dim; ++j) squares += (double)row[j] * row[j];
    const float inverse = (float)(1.0 / std::sqrt(squares / (double)dim + eps));
    inverseRms[r] = inverse;
    float* target = out + r * dim;
    for (size_t j = 0; j < dim; ++j) target[j] = row[j] * inverse * weight[j];
  }
}

void rmsNormBackward(const float* x, const float* weight, const float* inverseRms, const float* gradOut, size_t rows, size_t dim,
                     float* gradX, float* gradWeight) {
#pragma omp parallel for if (rows * dim > kParallelThreshold)
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * dim;
    const float* gradRow = gradOut + r * dim;
    const float inverse = inverseRms[r];
    double dot = 0;
#pragma omp simd reduction(+ : dot)
    for (size_t j = 0; j < dim; ++j) dot += (double)gradRow[j] * weight[j] * row[j];
    const float correction = (float)(dot * inverse * inverse * inverse / (double)dim);
    float* target = gradX + r * dim;
    for (size_t j = 0; j < dim; ++j) target[j] += gradRow[j] * weight[j] * inverse - row[j] * correction;
  }
  if (!gradWeight) return;
  // Row by row into a column accumulator: the inner loop runs along contiguous memory and vectorizes.
  std::vector<double> totals(dim, 0.0);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * dim;
    const float* gradRow = gradOut + r * dim;
    const double inverse = inverseRms[r];
#pragma omp simd
    for (size_t j = 0; j < dim; ++j) totals[j] += (double)gradRow[j] * row[j] * inverse;
  }
  for (size_t j = 0; j < dim; ++j) gradWeight[j] += (float)totals[j];
}

void rope(const float* x, float* out, int64_t batch, int64_t sequenceLength, int64_t heads, int64_t headDim, double theta,
          const int32_t* positions, size_t positionCount, int direction, bool accumulate) {
  const int64_t half = headDim / 2;
  const bool perRow = positionCount == (size_t)(batch * sequenceLength);
  // One cos/sin table per distinct position entry, computed in double once per call rather than per head.
  std::vector<float> cosines(positionCount * half), sines(positionCount * half);
  for (int64_t i = 0; i < half; ++i) {
    const double frequency = std::pow(theta, -2.0 * (double)i / (double)headDim);
    for (size_t p = 0; p < positionCount; ++p) {
      const double angle = (double)positions[p] * frequency;
      cosines[p * half + i] = (float)std::cos(angle);
      sines[p * half + i] = (float)(direction * std::sin(angle));
    }
  }
  const int64_t rows = batch * sequenceLength;
#pragma omp parallel for if (rows * heads * headDim > (int64_t)kParallelThreshold)
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t entry = perRow ? row : row % sequenceLength;
    const float* __restrict rowCosines = cosines.data() + entry * half;
    const float* __restrict rowSines = sines.data() + entry * half;
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t base = (row * heads + h) * headDim;
      const float* __restrict first = x + base;
      const float* __restrict second = x + base + half;
      float* __restrict outFirst = out + base;
      float* __restrict outSecond = out + base + half;
      if (accumulate) {
#pragma omp simd
        for (int64_t i = 0; i < half; ++i) {
          outFirst[i] += first[i] * rowCosines[i] - second[i] * rowSines[i];
          outSecond[i] += second[i] * rowCosines[i] + first[i] * rowSines[i];
        }
      } else {
#pragma omp simd
        for (int64_t i = 0; i < half; ++i) {
          outFirst[i] = first[i] * rowCosines[i] - second[i] * rowSines[i];
          outSecond[i] = second[i] * rowCosines[i] + first[i] * rowSines[i];
        }
      }
    }
  }
}

}  // namespace swirl
