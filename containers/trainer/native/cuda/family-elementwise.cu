// Family-specific elementwise CUDA kernels (min/clamp, soft cap, tanh-GELU gate), rotation by angle tables (scaled
// RoPE) and the counter-based dropout mask: grid-stride loops, each the host kernel's arithmetic in fp32.
#include "family-kernels.h"
#include "launch.cuh"

namespace swirl::cuda {

namespace {

#define GRID_STRIDE(i, n) for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < (n); i += (size_t)gridDim.x * blockDim.x)

constexpr float kSqrtTwoOverPi = 0.7978845608028654f;
constexpr float kCubic = 0.044715f;

__global__ void minimumForwardKernel(const float* a, const float* b, size_t n, float* out) { GRID_STRIDE(i, n) out[i] = a[i] <= b[i] ? a[i] : b[i]; }

__global__ void minimumBackwardKernel(const float* a, const float* b, const float* gradOut, size_t n, float* gradA, float* gradB) {
  GRID_STRIDE(i, n) {
    if (a[i] <= b[i]) {
      if (gradA) gradA[i] += gradOut[i];
    } else if (gradB) {
      gradB[i] += gradOut[i];
    }
  }
}

// NaN stays NaN, as Math.min/Math.max keep it on the host (fminf and fmaxf would drop it).
__global__ void clampForwardKernel(const float* x, size_t n, float low, float high, float* out) {
  GRID_STRIDE(i, n) out[i] = isnan(x[i]) ? x[i] : fminf(high, fmaxf(low, x[i]));
}

__global__ void clampBackwardKernel(const float* x, size_t n, float low, float high, const float* gradOut, float* gradX) {
  GRID_STRIDE(i, n) if (x[i] >= low && x[i] <= high) gradX[i] += gradOut[i];
}

__global__ void softCapForwardKernel(const float* x, size_t n, float cap, float* out) { GRID_STRIDE(i, n) out[i] = tanhf(x[i] / cap) * cap; }

__global__ void softCapBackwardKernel(const float* out, size_t n, float cap, const float* gradOut, float* gradX) {
  GRID_STRIDE(i, n) {
    const float squashed = out[i] / cap;
    gradX[i] += gradOut[i] * (1.0f - squashed * squashed);
  }
}

__device__ inline float geluTanh(float x) { return 0.5f * x * (1.0f + tanhf(kSqrtTwoOverPi * (x + kCubic * x * x * x))); }

__global__ void gegluForwardKernel(const float* gate, const float* up, size_t n, float* out) { GRID_STRIDE(i, n) out[i] = geluTanh(gate[i]) * up[i]; }

__global__ void gegluBackwardKernel(const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp) {
  GRID_STRIDE(i, n) {
    const float x = gate[i];
    if (gradUp) gradUp[i] += gradOut[i] * geluTanh(x);
    if (gradGate) {
      const float t = tanhf(kSqrtTwoOverPi * (x + kCubic * x * x * x));
      const float derivative = 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * kSqrtTwoOverPi * (1.0f + 3.0f * kCubic * x * x);
      gradGate[i] += gradOut[i] * up[i] * derivative;
    }
  }
}

// One thread per (row, head, pair); the pair's angles are row `position` of the tables.
__global__ void rotateByTableKernel(const float* x, float* out, const float* cos, const float* sin, int64_t rows, int64_t sequenceLength,
                                    int64_t heads, int64_t half, const int32_t* positions, bool perRow, float direction, bool accumulate) {
  GRID_STRIDE(i, (size_t)(rows * heads * half)) {
    const int64_t index = (int64_t)(i % half), rowHead = (int64_t)(i / half), row = rowHead / heads;
    const int64_t angle = (int64_t)positions[perRow ? row : row % sequenceLength] * half + index;
    const float c = cos[angle], s = direction * sin[angle];
    const int64_t base = rowHead * 2 * half;
    const float first = x[base + index], second = x[base + index + half];
    const float rotatedFirst = first * c - second * s, rotatedSecond = second * c + first * s;
    if (accumulate) {
      out[base + index] += rotatedFirst;
      out[base + index + half] += rotatedSecond;
    } else {
      out[base + index] = rotatedFirst;
      out[base + index + half] = rotatedSecond;
    }
  }
}

__device__ inline uint32_t mixBits(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

__global__ void dropoutMaskKernel(uint32_t seed, uint32_t threshold, float keep, size_t n, float* out) {
  const uint32_t key = mixBits(seed);
  GRID_STRIDE(i, n) out[i] = mixBits(mixBits((uint32_t)i ^ key) + seed) < threshold ? 0.0f : keep;
}

}  // namespace

void minimumForward(cudaStream_t stream, const float* a, const float* b, size_t n, float* out) { minimumForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(a, b, n, out); }

void minimumBackward(cudaStream_t stream, const float* a, const float* b, const float* gradOut, size_t n, float* gradA, float* gradB) {
  minimumBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(a, b, gradOut, n, gradA, gradB);
}

void clampForward(cudaStream_t stream, const float* x, size_t n, float low, float high, float* out) { clampForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, n, low, high, out); }

void clampBackward(cudaStream_t stream, const float* x, size_t n, float low, float high, const float* gradOut, float* gradX) {
  clampBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, n, low, high, gradOut, gradX);
}

void softCapForward(cudaStream_t stream, const float* x, size_t n, float cap, float* out) { softCapForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, n, cap, out); }

void softCapBackward(cudaStream_t stream, const float* out, size_t n, float cap, const float* gradOut, float* gradX) {
  softCapBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(out, n, cap, gradOut, gradX);
}

void gegluForward(cudaStream_t stream, const float* gate, const float* up, size_t n, float* out) { gegluForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(gate, up, n, out); }

void gegluBackward(cudaStream_t stream, const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp) {
  gegluBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(gate, up, gradOut, n, gradGate, gradUp);
}

void rotateByTable(cudaStream_t stream, const float* x, float* out, const float* cos, const float* sin, int64_t batch, int64_t sequenceLength,
                   int64_t heads, int64_t headDim, const int32_t* positions, size_t positionCount, int direction, bool accumulate) {
  const int64_t rows = batch * sequenceLength, half = headDim / 2;
  const size_t total = (size_t)(rows * heads * half);
  if (total == 0) return;
  rotateByTableKernel<<<blocksFor(total), kThreads, 0, stream>>>(x, out, cos, sin, rows, sequenceLength, heads, half, positions,
                                                                 positionCount == (size_t)rows, (float)direction, accumulate);
}

void dropoutMask(cudaStream_t stream, uint32_t seed, uint32_t threshold, float keep, size_t n, float* out) {
  if (n == 0) return;
  dropoutMaskKernel<<<blocksFor(n), kThreads, 0, stream>>>(seed, threshold, keep, n, out);
}

}  // namespace swirl::cuda
