// RMSNorm and rotate-half RoPE kernels, parallel over rows.
#include <cmath>
#include <vector>
#include "kernels.h"
#include "parallel.h"

namespace swirl {

void rmsNormForward(const float* x, const float* weight, size_t rows, size_t dim, float eps, float* out, float* invRms) {
#pragma omp parallel for if (rows * dim > kParallelThreshold)
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * dim;
    double squares = 0;
    for (size_t j = 0; j < dim; ++j) squares += (double)row[j] * row[j];
    const float inverse = (float)(1.0 / std::sqrt(squares / (double)dim + eps));
    invRms[r] = inverse;
    float* target = out + r * dim;
    for (size_t j = 0; j < dim; ++j) target[j] = row[j] * inverse * weight[j];
  }
}

void rmsNormBackward(const float* x, const float* weight, const float* invRms, const float* gradOut, size_t rows, size_t dim,
                     float* gradX, float* gradWeight) {
#pragma omp parallel for if (rows * dim > kParallelThreshold)
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * dim;
    const float* gradRow = gradOut + r * dim;
    const float inverse = invRms[r];
    double dot = 0;
    for (size_t j = 0; j < dim; ++j) dot += (double)gradRow[j] * weight[j] * row[j];
    const float correction = (float)(dot * inverse * inverse * inverse / (double)dim);
    float* target = gradX + r * dim;
    for (size_t j = 0; j < dim; ++j) target[j] += gradRow[j] * weight[j] * inverse - row[j] * correction;
  }
  if (!gradWeight) return;
  // Column sums: parallel over columns so threads never share an output element.
#pragma omp parallel for if (rows * dim > kParallelThreshold)
  for (size_t j = 0; j < dim; ++j) {
    double total = 0;
    for (size_t r = 0; r < rows; ++r) total += (double)gradOut[r * dim + j] * x[r * dim + j] * invRms[r];
    gradWeight[j] += (float)total;
  }
}

void rope(const float* x, float* out, int64_t batch, int64_t sequenceLength, int64_t heads, int64_t headDim, double theta,
          const int32_t* positions, size_t positionCount, int direction, bool accumulate) {
  const int64_t half = headDim / 2;
  const bool perRow = positionCount == (size_t)(batch * sequenceLength);
  std::vector<double> frequencies(half);
  for (int64_t i = 0; i < half; ++i) frequencies[i] = std::pow(theta, -2.0 * (double)i / (double)headDim);
  const int64_t rows = batch * sequenceLength;
#pragma omp parallel for if (rows * heads * headDim > (int64_t)kParallelThreshold)
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t t = row % sequenceLength;
    const double position = positions[perRow ? row : t];
    std::vector<float> cosines(half), sines(half);
    for (int64_t i = 0; i < half; ++i) {
      const double angle = position * frequencies[i];
      cosines[i] = (float)std::cos(angle);
      sines[i] = (float)(direction * std::sin(angle));
    }
    for (int64_t h = 0; h < heads; ++h) {
      const int64_t base = (row * heads + h) * headDim;
      for (int64_t i = 0; i < half; ++i) {
        const float first = x[base + i];
        const float second = x[base + i + half];
        const float rotatedFirst = first * cosines[i] - second * sines[i];
        const float rotatedSecond = second * cosines[i] + first * sines[i];
        if (accumulate) {
          out[base + i] += rotatedFirst;
          out[base + i + half] += rotatedSecond;
        } else {
          out[base + i] = rotatedFirst;
          out[base + i + half] = rotatedSecond;
        }
      }
    }
  }
}

}  // namespace swirl
