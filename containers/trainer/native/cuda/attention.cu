// Causal grouped-query attention CUDA kernels: one block per (batch, head, query row); fp32 softmax kept for the backward.
#include "cuda-kernels.h"
#include "launch.cuh"

namespace swirl::cuda {

namespace {

__device__ inline bool isVisible(const AttentionShape& s, int64_t b, int64_t t, int64_t j) {
  if (j > s.queryOffset + t) return false;
  return s.keyMask == nullptr || s.keyMask[b * s.keyLength + j] != 0;
}

// Grid: (queryLength, heads, batch). Scores live in the probabilities row, then become probabilities in place.
__global__ void attentionForwardKernel(const float* q, const float* k, const float* v, AttentionShape s, float* out, float* probabilities) {
  const int64_t t = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
  const int64_t T = s.queryLength, S = s.keyLength, H = s.heads, D = s.headDim, KV = s.kvHeads;
  const int64_t kvHead = h / (H / KV);
  const float* query = q + ((b * T + t) * H + h) * D;
  float* row = probabilities + ((b * H + h) * T + t) * S;
  float localMax = -INFINITY;
  for (int64_t j = threadIdx.x; j < S; j += blockDim.x) {
    float score = -INFINITY;
    if (isVisible(s, b, t, j)) {
      const float* key = k + ((b * S + j) * KV + kvHead) * D;
      float dot = 0;
      for (int64_t d = 0; d < D; ++d) dot += query[d] * key[d];
      score = dot * s.scale;
    }
    row[j] = score;
    localMax = fmaxf(localMax, score);
  }
  const float maximum = blockMax(localMax);
  float localSum = 0;
  for (int64_t j = threadIdx.x; j < S; j += blockDim.x) {
    const float value = maximum == -INFINITY || row[j] == -INFINITY ? 0.0f : __expf(row[j] - maximum);
    row[j] = value;
    localSum += value;
  }
  const float total = blockSum(localSum);
  const float inverse = total > 0 ? 1.0f / total : 0.0f;
  for (int64_t j = threadIdx.x; j < S; j += blockDim.x) row[j] *= inverse;
  __syncthreads();
  float* output = out + ((b * T + t) * H + h) * D;
  for (int64_t d = threadIdx.x; d < D; d += blockDim.x) {
    float accumulated = 0;
    for (int64_t j = 0; j < S; ++j) accumulated += row[j] * v[((b * S + j) * KV + kvHead) * D + d];
    output[d] = accumulated;
  }
}

// Same grid. dK and dV are shared by query rows and grouped heads, so they accumulate with atomics.
__global__ void attentionBackwardKernel(const float* q, const float* k, const float* v, const float* probabilities, const float* gradOut,
                                        AttentionShape s, float* gradQ, float* gradK, float* gradV, float* scratch) {
  const int64_t t = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
  const int64_t T = s.queryLength, S = s.keyLength, H = s.heads, D = s.headDim, KV = s.kvHeads;
  const int64_t kvHead = h / (H / KV);
  const int64_t rowIndex = (b * H + h) * T + t;
  const float* p = probabilities + rowIndex * S;
  float* gradScores = scratch + rowIndex * S;
  const float* gradRow = gradOut + ((b * T + t) * H + h) * D;
  const float* query = q + ((b * T + t) * H + h) * D;
  float localWeighted = 0;
  for (int64_t j = threadIdx.x; j < S; j += blockDim.x) {
    const float* value = v + ((b * S + j) * KV + kvHead) * D;
    float dot = 0;
    for (int64_t d = 0; d < D; ++d) dot += gradRow[d] * value[d];
    gradScores[j] = dot;
    localWeighted += dot * p[j];
    if (gradV && p[j] != 0.0f)
      for (int64_t d = 0; d < D; ++d) atomicAdd(gradV + ((b * S + j) * KV + kvHead) * D + d, p[j] * gradRow[d]);
  }
  const float weighted = blockSum(localWeighted);
  for (int64_t j = threadIdx.x; j < S; j += blockDim.x) gradScores[j] = p[j] * (gradScores[j] - weighted) * s.scale;
  __syncthreads();
  if (gradK)
    for (int64_t j = threadIdx.x; j < S; j += blockDim.x)
      if (gradScores[j] != 0.0f)
        for (int64_t d = 0; d < D; ++d) atomicAdd(gradK + ((b * S + j) * KV + kvHead) * D + d, gradScores[j] * query[d]);
  if (gradQ) {
    float* gradQueryRow = gradQ + ((b * T + t) * H + h) * D;
    for (int64_t d = threadIdx.x; d < D; d += blockDim.x) {
      float accumulated = 0;
      for (int64_t j = 0; j < S; ++j) accumulated += gradScores[j] * k[((b * S + j) * KV + kvHead) * D + d];
      gradQueryRow[d] += accumulated;
    }
  }
}

}  // namespace

void attentionForward(cudaStream_t stream, const float* q, const float* k, const float* v, const AttentionShape& shape, float* out,
                      float* probabilities) {
  const dim3 grid((unsigned)shape.queryLength, (unsigned)shape.heads, (unsigned)shape.batch);
  attentionForwardKernel<<<grid, 128, 0, stream>>>(q, k, v, shape, out, probabilities);
}

void attentionBackward(cudaStream_t stream, const float* q, const float* k, const float* v, const float* probabilities,
                       const float* gradOut, const AttentionShape& shape, float* gradQ, float* gradK, float* gradV) {
  const size_t scratchBytes = sizeof(float) * (size_t)(shape.batch * shape.heads * shape.queryLength * shape.keyLength);
  float* scratch = nullptr;
  cudaMallocAsync(reinterpret_cast<void**>(&scratch), scratchBytes, stream);
  const dim3 grid((unsigned)shape.queryLength, (unsigned)shape.heads, (unsigned)shape.batch);
  attentionBackwardKernel<<<grid, 128, 0, stream>>>(q, k, v, probabilities, gradOut, shape, gradQ, gradK, gradV, scratch);
  cudaFreeAsync(scratch, stream);
}

}  // namespace swirl::cuda
