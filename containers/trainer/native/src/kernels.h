// CPU kernel declarations shared by the N-API bindings (and mirrored by the CUDA build in ../cuda).
#pragma once
#include <cstdint>
#include <cstddef>

namespace swirl {

struct AttentionShape {
  int64_t batch, queryLength, keyLength, heads, kvHeads, headDim, queryOffset;
  float scale;
  const uint8_t* keyMask;  // [batch, keyLength] or null
};

void gemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc, int64_t batch, int64_t strideA, int64_t strideB,
          int64_t strideC);

void addBroadcast(const float* a, size_t n, const float* b, size_t period, float* out);
void mulBroadcast(const float* a, size_t n, const float* b, size_t period, float* out);
void axpy(float alpha, const float* x, size_t n, float* y);
void sumRowsInto(float alpha, const float* x, size_t n, float* out, size_t period);
void mulAccumulate(const float* x, size_t n, const float* y, size_t period, float* out);
void mulSumRowsInto(const float* x, const float* y, size_t n, float* out, size_t period);
void expForward(const float* x, size_t n, float* out);
double sum(const float* x, size_t n);
double sumSquares(const float* x, size_t n);
void scaleInPlace(float* x, size_t n, float alpha);
void embeddingForward(const float* weight, const int32_t* ids, size_t count, size_t dim, float* out);
void embeddingBackward(const int32_t* ids, size_t count, const float* gradOut, size_t dim, float* gradWeight);
void siluForward(const float* x, size_t n, float* out);
void siluBackward(const float* x, const float* gradOut, size_t n, float* gradX);
void swigluForward(const float* gate, const float* up, size_t n, float* out);
void swigluBackward(const float* gate, const float* up, const float* gradOut, size_t n, float* gradGate, float* gradUp);
void adamw(float* param, const float* grad, float* m, float* v, size_t n, float lr, float beta1, float beta2, float eps,
           float weightDecay, float biasCorrection1, float biasCorrection2);

void rmsNormForward(const float* x, const float* weight, size_t rows, size_t dim, float eps, float* out, float* inverseRms);
void rmsNormBackward(const float* x, const float* weight, const float* inverseRms, const float* gradOut, size_t rows, size_t dim,
                     float* gradX, float* gradWeight);
void rope(const float* x, float* out, int64_t batch, int64_t sequenceLength, int64_t heads, int64_t headDim, double theta,
          const int32_t* positions, size_t positionCount, int direction, bool accumulate);

void attentionForward(const float* q, const float* k, const float* v, const AttentionShape& shape, float* out,
                      float* probabilities);
void attentionBackward(const float* q, const float* k, const float* v, const float* probabilities, const float* gradOut,
                       const AttentionShape& shape, float* gradQ, float* gradK, float* gradV);

void logSoftmaxGatherForward(const float* logits, const int32_t* targets, size_t rows, size_t vocab, float* logProbs,
                             float* logSumExp);
void logSoftmaxGatherBackward(const float* logits, const int32_t* targets, const float* logSumExp, const float* gradLogProbs,
                              size_t rows, size_t vocab, float* gradLogits);

}  // namespace swirl
