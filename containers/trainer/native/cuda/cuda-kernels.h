// The CUDA build of the kernel interface (all but the GEMM, see cuda-gemm.h): CPU kernel arguments, device pointers, one stream per call.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cuda_runtime.h>

namespace swirl::cuda {

struct AttentionShape {
  int64_t batch, queryLength, keyLength, heads, kvHeads, headDim, queryOffset;
  float scale;
  const uint8_t* keyMask;  // device [batch, keyLength] or null
};

void addBroadcast(cudaStream_t stream, const float* a, size_t n, const float* b, size_t period, float* out);
void mulBroadcast(cudaStream_t stream, const float* a, size_t n, const float* b, size_t period, float* out);
void axpy(cudaStream_t stream, float alpha, const float* x, size_t n, float* y);
void sumRowsInto(cudaStream_t stream, float alpha, const float* x, size_t n, float* out, size_t period);
void mulAccumulate(cudaStream_t stream, const float* x, size_t n, const float* y, size_t period, float* out);
void mulSumRowsInto(cudaStream_t stream, const float* x, const float* y, size_t n, float* out, size_t period);
void expForward(cudaStream_t stream, const float* x, size_t n, float* out);
/** Writes Σx (or Σx²) into *result (device, one double). */
void sum(cudaStream_t stream, const float* x, size_t n, double* result);
void sumSquares(cudaStream_t stream, const float* x, size_t n, double* result);
void scaleInPlace(cudaStream_t stream, float* x, size_t n, float alpha);
void embeddingForward(cudaStream_t stream, const float* weight, const int32_t* ids, size_t count, size_t dim, float* out);
void embeddingBackward(cudaStream_t stream, const int32_t* ids, size_t count, const float* gradOut, size_t dim, float* gradWeight);
void siluForward(cudaStream_t stream, const float* x, size_t n, float* out);
void siluBackward(cudaStream_t stream, const float* x, const float* gradOut, size_t n, float* gradX);
void swigluForward(cudaStream_t stream, const float* gate, const float* up, size_t n, float* out);
void swigluBackward(cudaStream_t stream, const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp);
void adamw(cudaStream_t stream, float* param, const float* grad, float* m, float* v, size_t n, float lr, float beta1, float beta2,
           float eps, float weightDecay, float biasCorrection1, float biasCorrection2);

void rmsNormForward(cudaStream_t stream, const float* x, const float* weight, size_t rows, size_t dim, float eps, float* out, float* inverseRms);
void rmsNormBackward(cudaStream_t stream, const float* x, const float* weight, const float* inverseRms, const float* gradOut, size_t rows,
                     size_t dim, float* gradX, float* gradWeight);
void rope(cudaStream_t stream, const float* x, float* out, int64_t batch, int64_t sequenceLength, int64_t heads, int64_t headDim,
          double theta, const int32_t* positions, size_t positionCount, int direction, bool accumulate);

void attentionForward(cudaStream_t stream, const float* q, const float* k, const float* v, const AttentionShape& shape, float* out,
                      float* probabilities);
void attentionBackward(cudaStream_t stream, const float* q, const float* k, const float* v, const float* probabilities,
                       const float* gradOut, const AttentionShape& shape, float* gradQ, float* gradK, float* gradV);

void logSoftmaxGatherForward(cudaStream_t stream, const float* logits, const int32_t* targets, size_t rows, size_t vocab,
                             float* logProbs, float* logSumExp);
void logSoftmaxGatherBackward(cudaStream_t stream, const float* logits, const int32_t* targets, const float* logSumExp,
                              const float* gradLogProbs, size_t rows, size_t vocab, float* gradLogits);

}  // namespace swirl::cuda
