// CUDA kernel table, layer kernels: RMSNorm, RoPE, attention and cross-entropy, each staged through device memory.
#include "../src/kernel-table.h"
#include "cuda-kernels.h"
#include "device-layers.h"
#include "device-staging.cuh"

namespace swirl::device {

using namespace staging;

namespace {

struct AttentionSizes {
  size_t query, key, probabilities;
};

AttentionSizes sizesOf(const AttentionShape& s) {
  return {(size_t)(s.batch * s.queryLength * s.heads * s.headDim), (size_t)(s.batch * s.keyLength * s.kvHeads * s.headDim),
          (size_t)(s.batch * s.heads * s.queryLength * s.keyLength)};
}

cuda::AttentionShape deviceShapeOf(const AttentionShape& s, int maskSlot) {
  const uint8_t* mask = put(maskSlot, s.keyMask, (size_t)(s.batch * s.keyLength));
  return {s.batch, s.queryLength, s.keyLength, s.heads, s.kvHeads, s.headDim, s.queryOffset, s.scale, mask};
}

}  // namespace

void rmsNormForward(const float* x, const float* weight, size_t rows, size_t dim, float eps, float* out, float* inverseRms) {
  if (!ready()) return;
  const float* deviceX = put(0, x, rows * dim);
  const float* deviceWeight = put(1, weight, dim);
  float* deviceOut = put(2, out, rows * dim);
  float* deviceInverseRms = put(3, inverseRms, rows);
  if (failed()) return;
  cuda::rmsNormForward(stream(), deviceX, deviceWeight, rows, dim, eps, deviceOut, deviceInverseRms);
  get(out, deviceOut, rows * dim);
  get(inverseRms, deviceInverseRms, rows);
  complete();
}

void rmsNormBackward(const float* x, const float* weight, const float* inverseRms, const float* gradOut, size_t rows, size_t dim, float* gradX,
                     float* gradWeight) {
  if (!ready()) return;
  const float* deviceX = put(0, x, rows * dim);
  const float* deviceWeight = put(1, weight, dim);
  const float* deviceInverseRms = put(2, inverseRms, rows);
  const float* deviceGradOut = put(3, gradOut, rows * dim);
  float* deviceGradX = put(4, gradX, rows * dim);
  float* deviceGradWeight = put(5, gradWeight, dim);
  if (failed()) return;
  cuda::rmsNormBackward(stream(), deviceX, deviceWeight, deviceInverseRms, deviceGradOut, rows, dim, deviceGradX, deviceGradWeight);
  get(gradX, deviceGradX, rows * dim);
  get(gradWeight, deviceGradWeight, dim);
  complete();
}

void rope(const float* x, float* out, int64_t batch, int64_t sequenceLength, int64_t heads, int64_t headDim, double theta,
          const int32_t* positions, size_t positionCount, int direction, bool accumulate) {
  if (!ready()) return;
  const size_t n = (size_t)(batch * sequenceLength * heads * headDim);
  const float* deviceX = put(0, x, n);
  float* deviceOut = put(1, out, n);
  const int32_t* devicePositions = put(2, positions, positionCount);
  if (failed()) return;
  cuda::rope(stream(), deviceX, deviceOut, batch, sequenceLength, heads, headDim, theta, devicePositions, positionCount, direction, accumulate);
  get(out, deviceOut, n);
  complete();
}

void attentionForward(const float* q, const float* k, const float* v, const AttentionShape& shape, float* out, float* probabilities) {
  if (!ready()) return;
  const AttentionSizes size = sizesOf(shape);
  const float* deviceQ = put(0, q, size.query);
  const float* deviceK = put(1, k, size.key);
  const float* deviceV = put(2, v, size.key);
  float* deviceOut = put(3, out, size.query);
  float* deviceProbabilities = put(4, probabilities, size.probabilities);
  const cuda::AttentionShape deviceShape = deviceShapeOf(shape, 5);
  if (failed()) return;
  cuda::attentionForward(stream(), deviceQ, deviceK, deviceV, deviceShape, deviceOut, deviceProbabilities);
  get(out, deviceOut, size.query);
  get(probabilities, deviceProbabilities, size.probabilities);
  complete();
}

void attentionBackward(const float* q, const float* k, const float* v, const float* probabilities, const float* gradOut, const AttentionShape& shape,
                       float* gradQ, float* gradK, float* gradV) {
  if (!ready()) return;
  const AttentionSizes size = sizesOf(shape);
  const float* deviceQ = put(0, q, size.query);
  const float* deviceK = put(1, k, size.key);
  const float* deviceV = put(2, v, size.key);
  const float* deviceProbabilities = put(3, probabilities, size.probabilities);
  const float* deviceGradOut = put(4, gradOut, size.query);
  float* deviceGradQ = put(5, gradQ, size.query);
  float* deviceGradK = put(6, gradK, size.key);
  float* deviceGradV = put(7, gradV, size.key);
  const cuda::AttentionShape deviceShape = deviceShapeOf(shape, 8);
  if (failed()) return;
  cuda::attentionBackward(stream(), deviceQ, deviceK, deviceV, deviceProbabilities, deviceGradOut, deviceShape, deviceGradQ, deviceGradK, deviceGradV);
  get(gradQ, deviceGradQ, size.query);
  get(gradK, deviceGradK, size.key);
  get(gradV, deviceGradV, size.key);
  complete();
}

void logSoftmaxGatherForward(const float* logits, const int32_t* targets, size_t rows, size_t vocab, float* logProbs, float* logSumExp) {
  if (!ready()) return;
  const float* deviceLogits = put(0, logits, rows * vocab);
  const int32_t* deviceTargets = put(1, targets, rows);
  float* deviceLogProbs = put(2, logProbs, rows);
  float* deviceLogSumExp = put(3, logSumExp, rows);
  if (failed()) return;
  cuda::logSoftmaxGatherForward(stream(), deviceLogits, deviceTargets, rows, vocab, deviceLogProbs, deviceLogSumExp);
  get(logProbs, deviceLogProbs, rows);
  get(logSumExp, deviceLogSumExp, rows);
  complete();
}

void logSoftmaxGatherBackward(const float* logits, const int32_t* targets, const float* logSumExp, const float* gradLogProbs, size_t rows,
                              size_t vocab, float* gradLogits) {
  if (!ready()) return;
  const float* deviceLogits = put(0, logits, rows * vocab);
  const int32_t* deviceTargets = put(1, targets, rows);
  const float* deviceLogSumExp = put(2, logSumExp, rows);
  const float* deviceGradLogProbs = put(3, gradLogProbs, rows);
  float* deviceGradLogits = put(4, gradLogits, rows * vocab);
  if (failed()) return;
  cuda::logSoftmaxGatherBackward(stream(), deviceLogits, deviceTargets, deviceLogSumExp, deviceGradLogProbs, rows, vocab, deviceGradLogits);
  get(gradLogits, deviceGradLogits, rows * vocab);
  complete();
}

}  // namespace swirl::device
