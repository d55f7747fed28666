// Causal grouped-query attention with a sliding window and soft-capped scores (Mistral, Gemma 2): a straightforward
// kernel, one block per (batch, head, query row), walking only the keys inside the row's window. Correct first, not
// fast: no tiling or shared-memory reuse of keys across rows (the plain attention kernel's approach, made windowed).
#include "family-kernels.h"
#include "launch.cuh"

namespace swirl::cuda {

namespace {

struct Row {
  int64_t b, kvHead, first, last, queryBase, rowBase;
};

// Grid: (queryLength, heads, batch). Keys first ≤ j ≤ last are causal and inside the window.
__device__ inline Row rowOfBlock(const WindowedAttentionShape& w) {
  const AttentionShape& s = w.base;
  const int64_t t = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
  const int64_t last = s.queryOffset + t;
  const int64_t first = w.window > 0 && last - w.window + 1 > 0 ? last - w.window + 1 : 0;
  return {b, h / (s.heads / s.kvHeads), first, last, ((b * s.queryLength + t) * s.heads + h) * s.headDim, ((b * s.heads + h) * s.queryLength + t) * s.keyLength};
}

__device__ inline int64_t keyBase(const AttentionShape& s, const Row& row, int64_t j) { return ((row.b * s.keyLength + j) * s.kvHeads + row.kvHead) * s.headDim; }

/** target[d] += Σ over the window of weights[j]·rows[key j][d], zero weights skipped, the threads splitting d. */
__device__ inline void accumulateWeighted(const AttentionShape& s, const Row& row, const float* weights, const float* rows, float* target) {
  for (int64_t d = threadIdx.x; d < s.headDim; d += blockDim.x) {
    float accumulated = 0;
    for (int64_t j = row.first; j <= row.last; ++j)
      if (weights[j] != 0.0f) accumulated += weights[j] * rows[keyBase(s, row, j) + d];
    target[d] += accumulated;
  }
}

// Scores go into the row's window of probabilities, then become probabilities in place; out accumulates as on the host.
__global__ void windowedForwardKernel(const float* q, const float* k, const float* v, WindowedAttentionShape w, float* out, float* probabilities,
                                      float* capSlopes) {
  const AttentionShape& s = w.base;
  const Row row = rowOfBlock(w);
  const float* query = q + row.queryBase;
  float* scores = probabilities + row.rowBase;
  float localMax = -INFINITY;
  for (int64_t j = row.first + threadIdx.x; j <= row.last; j += blockDim.x) {
    float score = -INFINITY;
    if (s.keyMask == nullptr || s.keyMask[row.b * s.keyLength + j] != 0) {
      const float* key = k + keyBase(s, row, j);
      float dot = 0;
      for (int64_t d = 0; d < s.headDim; ++d) dot += query[d] * key[d];
      score = dot * s.scale;
      if (w.softCap > 0) {
        const float squashed = tanhf(score / w.softCap);
        score = squashed * w.softCap;
        capSlopes[row.rowBase + j] = 1.0f - squashed * squashed;
      }
    }
    scores[j] = score;
    localMax = fmaxf(localMax, score);
  }
  const float maximum = blockMax(localMax);
  float localSum = 0;
  for (int64_t j = row.first + threadIdx.x; j <= row.last; j += blockDim.x) {
    const float value = scores[j] == -INFINITY ? 0.0f : expf(scores[j] - maximum);
    scores[j] = value;
    localSum += value;
  }
  const float total = blockSum(localSum);
  for (int64_t j = row.first + threadIdx.x; j <= row.last; j += blockDim.x) scores[j] = total > 0 ? scores[j] / total : 0.0f;
  __syncthreads();
  accumulateWeighted(s, row, scores, v, out + row.queryBase);
}

// Same grid. dK and dV are shared by query rows and grouped heads, so they accumulate with atomics; the score
// gradients of each row's window go through `scratch` (laid out as the probabilities).
__global__ void windowedBackwardKernel(const float* q, const float* k, const float* v, const float* probabilities, const float* capSlopes,
                                       const float* gradOut, WindowedAttentionShape w, float* gradQ, float* gradK, float* gradV, float* scratch) {
  const AttentionShape& s = w.base;
  const Row row = rowOfBlock(w);
  const float* p = probabilities + row.rowBase;
  float* gradScores = scratch + row.rowBase;
  const float* gradRow = gradOut + row.queryBase;
  const float* query = q + row.queryBase;
  float localWeighted = 0;
  for (int64_t j = row.first + threadIdx.x; j <= row.last; j += blockDim.x) {
    const float* value = v + keyBase(s, row, j);
    float dot = 0;
    for (int64_t d = 0; d < s.headDim; ++d) dot += gradRow[d] * value[d];
    gradScores[j] = dot;
    localWeighted += dot * p[j];
    if (gradV && p[j] != 0.0f)
      for (int64_t d = 0; d < s.headDim; ++d) atomicAdd(gradV + keyBase(s, row, j) + d, p[j] * gradRow[d]);
  }
  const float weighted = blockSum(localWeighted);
  for (int64_t j = row.first + threadIdx.x; j <= row.last; j += blockDim.x) {
    float gradScore = p[j] == 0.0f ? 0.0f : p[j] * (gradScores[j] - weighted) * s.scale;
    if (capSlopes && gradScore != 0.0f) gradScore *= capSlopes[row.rowBase + j];
    gradScores[j] = gradScore;
  }
  __syncthreads();
  if (gradK)
    for (int64_t j = row.first + threadIdx.x; j <= row.last; j += blockDim.x)
      if (gradScores[j] != 0.0f)
        for (int64_t d = 0; d < s.headDim; ++d) atomicAdd(gradK + keyBase(s, row, j) + d, gradScores[j] * query[d]);
  if (gradQ) accumulateWeighted(s, row, gradScores, k, gradQ + row.queryBase);
}

dim3 gridOf(const AttentionShape& s) { return dim3((unsigned)s.queryLength, (unsigned)s.heads, (unsigned)s.batch); }

}  // namespace

void windowedAttentionForward(cudaStream_t stream, const float* q, const float* k, const float* v, const WindowedAttentionShape& shape,
                              float* out, float* probabilities, float* capSlopes) {
  windowedForwardKernel<<<gridOf(shape.base), 128, 0, stream>>>(q, k, v, shape, out, probabilities, capSlopes);
}

cudaError_t windowedAttentionBackward(cudaStream_t stream, const float* q, const float* k, const float* v, const float* probabilities,
                                      const float* capSlopes, const float* gradOut, const WindowedAttentionShape& shape, float* gradQ, float* gradK,
                                      float* gradV) {
  const AttentionShape& s = shape.base;
  float* scratch = nullptr;
  const cudaError_t status = cudaMallocAsync(reinterpret_cast<void**>(&scratch), sizeof(float) * (size_t)(s.batch * s.heads * s.queryLength * s.keyLength), stream);
  if (status != cudaSuccess) return status;
  windowedBackwardKernel<<<gridOf(s), 128, 0, stream>>>(q, k, v, probabilities, capSlopes, gradOut, shape, gradQ, gradK, gradV, scratch);
  return cudaFreeAsync(scratch, stream);
}

}  // namespace swirl::cuda
