// Elementwise CUDA kernels, reductions, embedding gather/scatter and the fused AdamW update (grid-stride loops).
#include "cuda-kernels.h"
#include "launch.cuh"

namespace swirl::cuda {

namespace {

#define GRID_STRIDE(i, n) for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < (n); i += (size_t)gridDim.x * blockDim.x)

__device__ inline float sigmoid(float x) { return 1.0f / (1.0f + __expf(-x)); }

__global__ void addBroadcastKernel(const float* a, size_t n, const float* b, size_t period, float* out) { GRID_STRIDE(i, n) out[i] = a[i] + b[i % period]; }
__global__ void mulBroadcastKernel(const float* a, size_t n, const float* b, size_t period, float* out) { GRID_STRIDE(i, n) out[i] = a[i] * b[i % period]; }
__global__ void axpyKernel(float alpha, const float* x, size_t n, float* y) { GRID_STRIDE(i, n) y[i] += alpha * x[i]; }
__global__ void mulAccumulateKernel(const float* x, size_t n, const float* y, size_t period, float* out) { GRID_STRIDE(i, n) out[i] += x[i] * y[i % period]; }
__global__ void expKernel(const float* x, size_t n, float* out) { GRID_STRIDE(i, n) out[i] = expf(x[i]); }
__global__ void scaleKernel(float* x, size_t n, float alpha) { GRID_STRIDE(i, n) x[i] *= alpha; }
__global__ void siluForwardKernel(const float* x, size_t n, float* out) { GRID_STRIDE(i, n) out[i] = x[i] * sigmoid(x[i]); }

__global__ void siluBackwardKernel(const float* x, const float* gradOut, size_t n, float* gradX) {
  GRID_STRIDE(i, n) {
    const float s = sigmoid(x[i]);
    gradX[i] += gradOut[i] * s * (1.0f + x[i] * (1.0f - s));
  }
}

__global__ void swigluForwardKernel(const float* gate, const float* up, size_t n, float* out) { GRID_STRIDE(i, n) out[i] = gate[i] * sigmoid(gate[i]) * up[i]; }

__global__ void swigluBackwardKernel(const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp) {
  GRID_STRIDE(i, n) {
    const float s = sigmoid(gate[i]);
    if (gradUp) gradUp[i] += gradOut[i] * gate[i] * s;
    if (gradGate) gradGate[i] += gradOut[i] * up[i] * s * (1.0f + gate[i] * (1.0f - s));
  }
}

// Column sums: one thread per output column walks the rows, so no atomics are needed.
__global__ void columnSumKernel(float alpha, const float* x, const float* y, size_t rows, size_t period, float* out) {
  GRID_STRIDE(j, period) {
    float total = 0;
    for (size_t r = 0; r < rows; ++r) total += x[r * period + j] * (y ? y[r * period + j] : 1.0f);
    out[j] += alpha * total;
  }
}

// Few columns over many rows (a loss summed to one value): one block per column, its threads splitting the rows.
__global__ void columnBlockSumKernel(float alpha, const float* x, const float* y, size_t rows, size_t period, float* out) {
  const size_t j = blockIdx.x;
  float partial = 0;
  for (size_t r = threadIdx.x; r < rows; r += blockDim.x) partial += x[r * period + j] * (y ? y[r * period + j] : 1.0f);
  const float total = blockSum(partial);
  if (threadIdx.x == 0) out[j] += alpha * total;
}

// Below this many columns the thread-per-column kernel would leave most of the GPU idle while each thread walks every row.
constexpr size_t kBlockPerColumnBelow = 256;
constexpr int kColumnBlockThreads = 512;

void sumColumns(cudaStream_t stream, float alpha, const float* x, const float* y, size_t n, float* out, size_t period) {
  const size_t rows = n / period;
  if (period < kBlockPerColumnBelow && rows > 1) columnBlockSumKernel<<<(unsigned)period, kColumnBlockThreads, 0, stream>>>(alpha, x, y, rows, period, out);
  else columnSumKernel<<<blocksFor(period), kThreads, 0, stream>>>(alpha, x, y, rows, period, out);
}

__global__ void reduceKernel(const float* x, size_t n, bool squares, double* result) {
  float partial = 0;
  GRID_STRIDE(i, n) partial += squares ? x[i] * x[i] : x[i];
  const float total = blockSum(partial);
  if (threadIdx.x == 0) atomicAdd(result, (double)total);
}

__global__ void embeddingForwardKernel(const float* weight, const int32_t* ids, size_t count, size_t dim, float* out) {
  GRID_STRIDE(i, count * dim) out[i] = weight[(size_t)ids[i / dim] * dim + i % dim];
}

__global__ void embeddingBackwardKernel(const int32_t* ids, size_t count, const float* gradOut, size_t dim, float* gradWeight) {
  GRID_STRIDE(i, count * dim) atomicAdd(gradWeight + (size_t)ids[i / dim] * dim + i % dim, gradOut[i]);
}

__global__ void adamwKernel(float* param, const float* grad, float* m, float* v, size_t n, float lr, float beta1, float beta2, float eps,
                            float weightDecay, float biasCorrection1, float biasCorrection2) {
  GRID_STRIDE(i, n) {
    const float g = grad[i];
    m[i] = beta1 * m[i] + (1.0f - beta1) * g;
    v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
    const float update = (m[i] / biasCorrection1) / (sqrtf(v[i] / biasCorrection2) + eps);
    param[i] -= lr * (update + weightDecay * param[i]);
  }
}

}  // namespace

void addBroadcast(cudaStream_t stream, const float* a, size_t n, const float* b, size_t period, float* out) { addBroadcastKernel<<<blocksFor(n), kThreads, 0, stream>>>(a, n, b, period, out); }
void mulBroadcast(cudaStream_t stream, const float* a, size_t n, const float* b, size_t period, float* out) { mulBroadcastKernel<<<blocksFor(n), kThreads, 0, stream>>>(a, n, b, period, out); }
void axpy(cudaStream_t stream, float alpha, const float* x, size_t n, float* y) { axpyKernel<<<blocksFor(n), kThreads, 0, stream>>>(alpha, x, n, y); }
void sumRowsInto(cudaStream_t stream, float alpha, const float* x, size_t n, float* out, size_t period) { sumColumns(stream, alpha, x, nullptr, n, out, period); }
void mulAccumulate(cudaStream_t stream, const float* x, size_t n, const float* y, size_t period, float* out) { mulAccumulateKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, n, y, period, out); }
void mulSumRowsInto(cudaStream_t stream, const float* x, const float* y, size_t n, float* out, size_t period) { sumColumns(stream, 1.0f, x, y, n, out, period); }
void expForward(cudaStream_t stream, const float* x, size_t n, float* out) { expKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, n, out); }

void sum(cudaStream_t stream, const float* x, size_t n, double* result) {
  cudaMemsetAsync(result, 0, sizeof(double), stream);
  reduceKernel<<<blocksFor(n) < 1024 ? blocksFor(n) : 1024, kThreads, 0, stream>>>(x, n, false, result);
}

void sumSquares(cudaStream_t stream, const float* x, size_t n, double* result) {
  cudaMemsetAsync(result, 0, sizeof(double), stream);
  reduceKernel<<<blocksFor(n) < 1024 ? blocksFor(n) : 1024, kThreads, 0, stream>>>(x, n, true, result);
}

void scaleInPlace(cudaStream_t stream, float* x, size_t n, float alpha) { scaleKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, n, alpha); }
void embeddingForward(cudaStream_t stream, const float* weight, const int32_t* ids, size_t count, size_t dim, float* out) { embeddingForwardKernel<<<blocksFor(count * dim), kThreads, 0, stream>>>(weight, ids, count, dim, out); }
void embeddingBackward(cudaStream_t stream, const int32_t* ids, size_t count, const float* gradOut, size_t dim, float* gradWeight) { embeddingBackwardKernel<<<blocksFor(count * dim), kThreads, 0, stream>>>(ids, count, gradOut, dim, gradWeight); }
void siluForward(cudaStream_t stream, const float* x, size_t n, float* out) { siluForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, n, out); }
void siluBackward(cudaStream_t stream, const float* x, const float* gradOut, size_t n, float* gradX) { siluBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(x, gradOut, n, gradX); }
void swigluForward(cudaStream_t stream, const float* gate, const float* up, size_t n, float* out) { swigluForwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(gate, up, n, out); }
void swigluBackward(cudaStream_t stream, const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp) { swigluBackwardKernel<<<blocksFor(n), kThreads, 0, stream>>>(gate, up, gradOut, n, gradGate, gradUp); }

void adamw(cudaStream_t stream, float* param, const float* grad, float* m, float* v, size_t n, float lr, float beta1, float beta2, float eps,
           float weightDecay, float biasCorrection1, float biasCorrection2) {
  adamwKernel<<<blocksFor(n), kThreads, 0, stream>>>(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2);
}

}  // namespace swirl::cuda
