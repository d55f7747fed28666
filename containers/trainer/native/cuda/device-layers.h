// The layer kernels of the CUDA kernel table (device-layers.cu), with the CPU kernels' signatures.
#pragma once
#include <cstddef>
#include <cstdint>
#include "../src/kernels.h"

namespace swirl::device {

void rmsNormForward(const float* x, const float* weight, size_t rows, size_t dim, float eps, float* out, float* inverseRms);
void rmsNormBackward(const float* x, const float* weight, const float* inverseRms, const float* gradOut, size_t rows, size_t dim, float* gradX,
                     float* gradWeight);
void rope(const float* x, float* out, int64_t batch, int64_t sequenceLength, int64_t heads, int64_t headDim, double theta,
          const int32_t* positions, size_t positionCount, int direction, bool accumulate);
void attentionForward(const float* q, const float* k, const float* v, const AttentionShape& shape, float* out, float* probabilities);
void attentionBackward(const float* q, const float* k, const float* v, const float* probabilities, const float* gradOut, const AttentionShape& shape,
                       float* gradQ, float* gradK, float* gradV);
void logSoftmaxGatherForward(const float* logits, const int32_t* targets, size_t rows, size_t vocab, float* logProbs, float* logSumExp);
void logSoftmaxGatherBackward(const float* logits, const int32_t* targets, const float* logSumExp, const float* gradLogProbs, size_t rows,
                              size_t vocab, float* gradLogits);

}  // namespace swirl::device
