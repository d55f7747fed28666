// RMSNorm (one block per row) and rotate-half RoPE CUDA kernels.
#include "cuda-kernels.h"
#include "launch.cuh"

namespace swirl::cuda {

namespace {

__global__ void rmsNormForwardKernel(const float* x, const float* weight, size_t dim, float eps, float* out, float* inverseRms) {
  const float* row = x + blockIdx.x * dim;
  float squares = 0;
  for (size_t j = threadIdx.x; j < dim; j += blockDim.x) squares += row[j] * row[j];
  const float inverse = rsqrtf(blockSum(squares) / (float)dim + eps);
  if (threadIdx.x == 0) inverseRms[blockIdx.x] = inverse;
  for (size_t j = threadIdx.x; j < dim; j += blockDim.x) out[blockIdx.x * dim + j] = row[j] * inverse * weight[j];
}

__global__ void rmsNormBackwardKernel(const float* x, const float* weight, const float* inverseRms, const float* gradOut, size_t dim,
                                      float* gradX, float* gradWeight) {
  const size_t base = blockIdx.x * dim;
  const float inverse = inverseRms[blockIdx.x];
  float dot = 0;
  for (size_t j = threadIdx.x; j < dim; j += blockDim.x) dot += gradOut[base + j] * weight[j] * x[base + j];
  const float correction = blockSum(dot) * inverse * inverse * inverse / (float)dim;
  for (size_t j = threadIdx.x; j < dim; j += blockDim.x) {
    gradX[base + j] += gradOut[base + j] * weight[j] * inverse - x[base + j] * correction;
    if (gradWeight) atomicAdd(gradWeight + j, gradOut[base + j] * x[base + j] * inverse);
  }
}

__global__ void ropeKernel(const float* x, float* out, int64_t batch, int64_t sequenceLength, int64_t heads, int64_t headDim, double theta,
                           const int32_t* positions, bool perRow, int direction, bool accumulate) {
  const int64_t half = headDim / 2;
  const int64_t total = batch * sequenceLength * heads * half;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total; i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t pair = i % half;
    const int64_t head = (i / half) % heads;
    const int64_t row = i / (half * heads);
    const double angle = (double)positions[perRow ? row : row % sequenceLength] * pow(theta, -2.0 * (double)pair / (double)headDim);
    const float cosine = (float)cos(angle), sine = (float)(direction * sin(angle));
    const int64_t base = (row * heads + head) * headDim;
    const float first = x[base + pair], second = x[base + pair + half];
    const float rotatedFirst = first * cosine - second * sine, rotatedSecond = second * cosine + first * sine;
    if (accumulate) {
      out[base + pair] += rotatedFirst;
      out[base + pair + half] += rotatedSecond;
    } else {
      out[base + pair] = rotatedFirst;
      out[base + pair + half] = rotatedSecond;
    }
  }
}

}  // namespace

void rmsNormForward(cudaStream_t stream, const float* x, const float* weight, size_t rows, size_t dim, float eps, float* out, float* inverseRms) {
  rmsNormForwardKernel<<<(unsigned)rows, kThreads, 0, stream>>>(x, weight, dim, eps, out, inverseRms);
}

void rmsNormBackward(cudaStream_t stream, const float* x, const float* weight, const float* inverseRms, const float* gradOut, size_t rows,
                     size_t dim, float* gradX, float* gradWeight) {
  rmsNormBackwardKernel<<<(unsigned)rows, kThreads, 0, stream>>>(x, weight, inverseRms, gradOut, dim, gradX, gradWeight);
}

void rope(cudaStream_t stream, const float* x, float* out, int64_t batch, int64_t sequenceLength, int64_t heads, int64_t headDim,
          double theta, const int32_t* positions, size_t positionCount, int direction, bool accumulate) {
  const size_t pairs = (size_t)(batch * sequenceLength * heads * (headDim / 2));
  ropeKernel<<<blocksFor(pairs), kThreads, 0, stream>>>(x, out, batch, sequenceLength, heads, headDim, theta, positions,
                                                        positionCount == (size_t)(batch * sequenceLength), direction, accumulate);
}

}  // namespace swirl::cuda
