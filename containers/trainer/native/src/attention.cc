// Causal grouped-query attention, forward and backward: per (batch, head) GEMMs with an fp32 masked softmax between them.
// The per-head GEMMs are small, so they run single-threaded inside an OpenMP loop over heads rather than each
// waking a GEMM thread pool.
#include <cmath>
#include <limits>
#include <vector>
#include "fast-exp.h"
#include "gemm.h"
#include "kernels.h"

namespace swirl {

namespace {

// The causal limit and the padding mask hide keys; hidden keys get probability exactly 0.
inline bool isVisible(const AttentionShape& s, int64_t b, int64_t t, int64_t j) {
  if (j > s.queryOffset + t) return false;
  return s.keyMask == nullptr || s.keyMask[b * s.keyLength + j] != 0;
}

// Row-wise masked softmax of scores (already scaled), in place.
void softmaxRows(const AttentionShape& s, int64_t b, float* scores) {
  const int64_t T = s.queryLength, S = s.keyLength;
  for (int64_t t = 0; t < T; ++t) {
    float* row = scores + t * S;
    float maximum = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < S; ++j) {
      if (!isVisible(s, b, t, j)) {
        row[j] = -std::numeric_limits<float>::infinity();
        continue;
      }
      maximum = row[j] > maximum ? row[j] : maximum;
    }
    if (maximum == -std::numeric_limits<float>::infinity()) {
      for (int64_t j = 0; j < S; ++j) row[j] = 0;
      continue;
    }
    float total = 0;
    for (int64_t j = 0; j < S; ++j) {
      row[j] = row[j] == -std::numeric_limits<float>::infinity() ? 0.0f : fastExp(row[j] - maximum);
      total += row[j];
    }
    const float inverse = 1.0f / total;
    for (int64_t j = 0; j < S; ++j) row[j] *= inverse;
  }
}

}  // namespace

void attentionForward(const float* q, const float* k, const float* v, const AttentionShape& s, float* out,
                      float* probabilities) {
  const int64_t T = s.queryLength, S = s.keyLength, H = s.heads, D = s.headDim, KV = s.kvHeads;
  const int64_t group = H / KV;
  const int64_t queryStride = H * D, keyStride = KV * D;
  SerialGemmScope serial;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < s.batch * H; ++task) {
    const int64_t b = task / H, h = task % H;
    const int64_t kvHead = h / group;
    const float* queries = q + b * T * H * D + h * D;
    const float* keys = k + b * S * KV * D + kvHead * D;
    const float* values = v + b * S * KV * D + kvHead * D;
    float* scores = probabilities + (b * H + h) * T * S;
    gemmSerial(false, true, T, S, D, s.scale, queries, queryStride, keys, keyStride, 0.0f,
                scores, S);
    softmaxRows(s, b, scores);
    gemmSerial(false, false, T, D, S, 1.0f, scores, S, values, keyStride, 0.0f,
                out + b * T * H * D + h * D, queryStride);
  }
}

void attentionBackward(const float* q, const float* k, const float* v, const float* probabilities, const float* gradOut,
                       const AttentionShape& s, float* gradQ, float* gradK, float* gradV) {
  const int64_t T = s.queryLength, S = s.keyLength, H = s.heads, D = s.headDim, KV = s.kvHeads;
  const int64_t group = H / KV;
  const int64_t queryStride = H * D, keyStride = KV * D;
  SerialGemmScope serial;
  // One task per (batch, kv head): the heads sharing those keys and values run in the same task, so the
  // accumulations into gradK and gradV never race.
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < s.batch * KV; ++task) {
    std::vector<float> gradScores(T * S);
    const int64_t b = task / KV, kvHead = task % KV;
    for (int64_t h = kvHead * group; h < (kvHead + 1) * group; ++h) {
      const int64_t queryOffset = b * T * H * D + h * D;
      const int64_t keyOffset = b * S * KV * D + kvHead * D;
      const float* p = probabilities + (b * H + h) * T * S;
      const float* gradHead = gradOut + queryOffset;
      if (gradV)
        gemmSerial(true, false, S, D, T, 1.0f, p, S, gradHead, queryStride, 1.0f,
                    gradV + keyOffset, keyStride);
      if (!gradQ && !gradK) continue;
      // dP = dO·Vᵀ, then the softmax backward dS = P ⊙ (dP − Σ_j P·dP) folded with the score scale.
      gemmSerial(false, true, T, S, D, 1.0f, gradHead, queryStride, v + keyOffset, keyStride,
                  0.0f, gradScores.data(), S);
      for (int64_t t = 0; t < T; ++t) {
        float* row = gradScores.data() + t * S;
        const float* probabilityRow = p + t * S;
        float weighted = 0;
        for (int64_t j = 0; j < S; ++j) weighted += row[j] * probabilityRow[j];
        for (int64_t j = 0; j < S; ++j) row[j] = probabilityRow[j] * (row[j] - weighted) * s.scale;
      }
      if (gradQ)
        gemmSerial(false, false, T, D, S, 1.0f, gradScores.data(), S, k + keyOffset,
                    keyStride, 1.0f, gradQ + queryOffset, queryStride);
      if (gradK)
        gemmSerial(true, false, S, D, T, 1.0f, gradScores.data(), S, q + queryOffset,
                    queryStride, 1.0f, gradK + keyOffset, keyStride);
    }
  }
}

}  // namespace swirl
