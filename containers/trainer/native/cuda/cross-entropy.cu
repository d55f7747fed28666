// Log-softmax gathered at target ids and its backward: one block per row; negative targets are ignored rows.
#include "cuda-kernels.h"
#include "launch.cuh"

namespace swirl::cuda {

namespace {

__global__ void logSoftmaxGatherForwardKernel(const float* logits, const int32_t* targets, size_t vocab, float* logProbs, float* logSumExp) {
  const float* row = logits + blockIdx.x * vocab;
  float localMax = -INFINITY;
  for (size_t j = threadIdx.x; j < vocab; j += blockDim.x) localMax = fmaxf(localMax, row[j]);
  const float maximum = blockMax(localMax);
  float localSum = 0;
  for (size_t j = threadIdx.x; j < vocab; j += blockDim.x) localSum += expf(row[j] - maximum);
  const float lse = maximum + logf(blockSum(localSum));
  if (threadIdx.x == 0) {
    logSumExp[blockIdx.x] = lse;
    const int32_t target = targets[blockIdx.x];
    logProbs[blockIdx.x] = target < 0 ? 0.0f : row[target] - lse;
  }
}

__global__ void logSoftmaxGatherBackwardKernel(const float* logits, const int32_t* targets, const float* logSumExp, const float* gradLogProbs,
                                               size_t vocab, float* gradLogits) {
  const int32_t target = targets[blockIdx.x];
  const float gradient = gradLogProbs[blockIdx.x];
  if (target < 0 || gradient == 0.0f) return;
  const float* row = logits + blockIdx.x * vocab;
  float* gradRow = gradLogits + blockIdx.x * vocab;
  const float lse = logSumExp[blockIdx.x];
  for (size_t j = threadIdx.x; j < vocab; j += blockDim.x) gradRow[j] += gradient * (((int32_t)j == target ? 1.0f : 0.0f) - expf(row[j] - lse));
}

}  // namespace

void logSoftmaxGatherForward(cudaStream_t stream, const float* logits, const int32_t* targets, size_t rows, size_t vocab, float* logProbs,
                             float* logSumExp) {
  logSoftmaxGatherForwardKernel<<<(unsigned)rows, kThreads, 0, stream>>>(logits, targets, vocab, logProbs, logSumExp);
}

void logSoftmaxGatherBackward(cudaStream_t stream, const float* logits, const int32_t* targets, const float* logSumExp,
                              const float* gradLogProbs, size_t rows, size_t vocab, float* gradLogits) {
  logSoftmaxGatherBackwardKernel<<<(unsigned)rows, kThreads, 0, stream>>>(logits, targets, logSumExp, gradLogProbs, vocab, gradLogits);
}

}  // namespace swirl::cuda
