// Elementwise kernels, reductions, embedding gather/scatter and the fused AdamW update, threaded with OpenMP.
#include <cmath>
#include <cstring>
#include "kernels.h"
#include "fast-exp.h"
#include "parallel.h"

namespace swirl {

void addBroadcast(const float* a, size_t n, const float* b, size_t period, float* out) {
  if (period == n) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
    for (size_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
  } else if (period == 1) {
    const float value = b[0];
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
    for (size_t i = 0; i < n; ++i) out[i] = a[i] + value;
  } else {
    const size_t rows = n / period;
#pragma omp parallel for if (n > kParallelThreshold)
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < period; ++j) out[r * period + j] = a[r * period + j] + b[j];
  }
}

void mulBroadcast(const float* a, size_t n, const float* b, size_t period, float* out) {
  if (period == n) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
    for (size_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
  } else if (period == 1) {
    const float value = b[0];
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
    for (size_t i = 0; i < n; ++i) out[i] = a[i] * value;
  } else {
    const size_t rows = n / period;
#pragma omp parallel for if (n > kParallelThreshold)
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < period; ++j) out[r * period + j] = a[r * period + j] * b[j];
  }
}

void axpy(float alpha, const float* x, size_t n, float* y) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

void sumRowsInto(float alpha, const float* x, size_t n, float* out, size_t period) {
  const size_t rows = n / period;
  // Parallel over columns so no two threads write the same output element.
#pragma omp parallel for if (n > kParallelThreshold && period >= 64)
  for (size_t j = 0; j < period; ++j) {
    float total = 0;
    for (size_t r = 0; r < rows; ++r) total += x[r * period + j];
    out[j] += alpha * total;
  }
}

void mulAccumulate(const float* x, size_t n, const float* y, size_t period, float* out) {
  if (period == n) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
    for (size_t i = 0; i < n; ++i) out[i] += x[i] * y[i];
  } else {
    const size_t rows = n / period;
#pragma omp parallel for if (n > kParallelThreshold)
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < period; ++j) out[r * period + j] += x[r * period + j] * y[j % period];
  }
}

void mulSumRowsInto(const float* x, const float* y, size_t n, float* out, size_t period) {
  const size_t rows = n / period;
#pragma omp parallel for if (n > kParallelThreshold && period >= 64)
  for (size_t j = 0; j < period; ++j) {
    float total = 0;
    for (size_t r = 0; r < rows; ++r) total += x[r * period + j] * y[r * period + j];
    out[j] += total;
  }
}

void expForward(const float* x, size_t n, float* out) {
#pragma omp parallel for if (n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) out[i] = std::exp(x[i]);
}

double sum(const float* x, size_t n) {
  double total = 0;
#pragma omp parallel for simd reduction(+ : total) if (n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) total += x[i];
  return total;
}

double sumSquares(const float* x, size_t n) {
  double total = 0;
#pragma omp parallel for simd reduction(+ : total) if (n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) total += (double)x[i] * x[i];
  return total;
}

void scaleInPlace(float* x, size_t n, float alpha) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) x[i] *= alpha;
}

void embeddingForward(const float* weight, const int32_t* ids, size_t count, size_t dim, float* out) {
#pragma omp parallel for if (count * dim > kParallelThreshold)
  for (size_t t = 0; t < count; ++t) std::memcpy(out + t * dim, weight + (size_t)ids[t] * dim, dim * sizeof(float));
}

void embeddingBackward(const int32_t* ids, size_t count, const float* gradOut, size_t dim, float* gradWeight) {
  // Serial over tokens: repeated ids scatter into the same row.
  for (size_t t = 0; t < count; ++t) {
    float* row = gradWeight + (size_t)ids[t] * dim;
    const float* source = gradOut + t * dim;
#pragma omp simd
    for (size_t j = 0; j < dim; ++j) row[j] += source[j];
  }
}

void siluForward(const float* x, size_t n, float* out) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) out[i] = x[i] * fastSigmoid(x[i]);
}

void siluBackward(const float* x, const float* gradOut, size_t n, float* gradX) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) {
    const float s = fastSigmoid(x[i]);
    gradX[i] += gradOut[i] * s * (1.0f + x[i] * (1.0f - s));
  }
}

void swigluForward(const float* gate, const float* up, size_t n, float* out) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) out[i] = gate[i] * fastSigmoid(gate[i]) * up[i];
}

void swigluBackward(const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp) {
  // Separate loops per case keep each one branch-free, so it vectorizes.
  if (gradUp && gradGate) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
    for (size_t i = 0; i < n; ++i) {
      const float s = fastSigmoid(gate[i]);
      gradUp[i] += gradOut[i] * gate[i] * s;
      gradGate[i] += gradOut[i] * up[i] * s * (1.0f + gate[i] * (1.0f - s));
    }
  } else if (gradUp) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
    for (size_t i = 0; i < n; ++i) gradUp[i] += gradOut[i] * gate[i] * fastSigmoid(gate[i]);
  } else if (gradGate) {
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
    for (size_t i = 0; i < n; ++i) {
      const float s = fastSigmoid(gate[i]);
      gradGate[i] += gradOut[i] * up[i] * s * (1.0f + gate[i] * (1.0f - s));
    }
  }
}

void adamw(float* __restrict param, const float* __restrict grad, float* __restrict m, float* __restrict v, size_t n, float lr, float beta1, float beta2, float eps,
           float weightDecay, float biasCorrection1, float biasCorrection2) {
  const float inverseCorrection1 = 1.0f / biasCorrection1;
  const float inverseCorrection2 = 1.0f / biasCorrection2;
#pragma omp parallel for simd if (parallel: n > kParallelThreshold)
  for (size_t i = 0; i < n; ++i) {
    const float g = grad[i];
    m[i] = beta1 * m[i] + (1.0f - beta1) * g;
    v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
    const float update = (m[i] * inverseCorrection1) / (std::sqrt(v[i] * inverseCorrection2) + eps);
    param[i] -= lr * (update + weightDecay * param[i]);
  }
}

}  // namespace swirl
