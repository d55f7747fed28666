// Causal grouped-query attention, forward and backward, parallel over (batch, head) with fp32 softmax.
#include <cmath>
#include <limits>
#include <vector>
#include "kernels.h"

namespace swirl {

static inline int64_t lastVisibleKey(const AttentionShape& s, int64_t t) {
  const int64_t limit = s.queryOffset + t;
  return limit < s.keyLength - 1 ? limit : s.keyLength - 1;
}

static inline bool isMasked(const AttentionShape& s, int64_t b, int64_t j) {
  return s.keyMask != nullptr && s.keyMask[b * s.keyLength + j] == 0;
}

void attentionForward(const float* q, const float* k, const float* v, const AttentionShape& s, float* out,
                      float* probabilities) {
  const int64_t T = s.queryLength, S = s.keyLength, H = s.heads, D = s.headDim, KV = s.kvHeads;
  const int64_t group = H / KV;
  const int64_t tasks = s.batch * H;
#pragma omp parallel
  {
    std::vector<float> scores(S);
#pragma omp for schedule(dynamic, 1)
    for (int64_t task = 0; task < tasks; ++task) {
      const int64_t b = task / H, h = task % H, kvHead = h / group;
      for (int64_t t = 0; t < T; ++t) {
        const float* queryRow = q + ((b * T + t) * H + h) * D;
        float* probabilityRow = probabilities + ((b * H + h) * T + t) * S;
        float* outRow = out + ((b * T + t) * H + h) * D;
        const int64_t last = lastVisibleKey(s, t);
        float maximum = -std::numeric_limits<float>::infinity();
        for (int64_t j = 0; j <= last; ++j) {
          if (isMasked(s, b, j)) {
            scores[j] = -std::numeric_limits<float>::infinity();
            continue;
          }
          const float* keyRow = k + ((b * S + j) * KV + kvHead) * D;
          float dot = 0;
#pragma omp simd reduction(+ : dot)
          for (int64_t d = 0; d < D; ++d) dot += queryRow[d] * keyRow[d];
          scores[j] = dot * s.scale;
          maximum = scores[j] > maximum ? scores[j] : maximum;
        }
        float total = 0;
        for (int64_t j = 0; j <= last; ++j) {
          scores[j] = maximum == -std::numeric_limits<float>::infinity() || scores[j] == -std::numeric_limits<float>::infinity() ? 0.0f : std::exp(scores[j] - maximum);
          total += scores[j];
        }
        const float inverse = total > 0 ? 1.0f / total : 0.0f;
        for (int64_t d = 0; d < D; ++d) outRow[d] = 0;
        for (int64_t j = 0; j < S; ++j) {
          const float p = j <= last ? scores[j] * inverse : 0.0f;
          probabilityRow[j] = p;
          if (p == 0.0f) continue;
          const float* valueRow = v + ((b * S + j) * KV + kvHead) * D;
#pragma omp simd
          for (int64_t d = 0; d < D; ++d) outRow[d] += p * valueRow[d];
        }
      }
    }
  }
}

void attentionBackward(const float* q, const float* k, const float* v, const float* probabilities, const float* gradOut,
                       const AttentionShape& s, float* gradQ, float* gradK, float* gradV) {
  const int64_t T = s.queryLength, S = s.keyLength, H = s.heads, D = s.headDim, KV = s.kvHeads;
  const int64_t group = H / KV;
  // One task per (batch, kv head): every head sharing those keys and values runs in the same task, so the
  // accumulations into gradK and gradV never race.
  const int64_t tasks = s.batch * KV;
#pragma omp parallel
  {
    std::vector<float> gradScores(S);
#pragma omp for schedule(dynamic, 1)
    for (int64_t task = 0; task < tasks; ++task) {
      const int64_t b = task / KV, kvHead = task % KV;
      for (int64_t h = kvHead * group; h < (kvHead + 1) * group; ++h) {
        for (int64_t t = 0; t < T; ++t) {
          const int64_t rowOffset = ((b * T + t) * H + h) * D;
          const float* queryRow = q + rowOffset;
          const float* gradRow = gradOut + rowOffset;
          const float* probabilityRow = probabilities + ((b * H + h) * T + t) * S;
          const int64_t last = lastVisibleKey(s, t);
          float weighted = 0;
          for (int64_t j = 0; j <= last; ++j) {
            const float p = probabilityRow[j];
            if (p == 0.0f) {
              gradScores[j] = 0;
              continue;
            }
            const int64_t keyOffset = ((b * S + j) * KV + kvHead) * D;
            const float* valueRow = v + keyOffset;
            float dot = 0;
#pragma omp simd reduction(+ : dot)
            for (int64_t d = 0; d < D; ++d) dot += gradRow[d] * valueRow[d];
            gradScores[j] = dot;
            weighted += dot * p;
            if (gradV) {
              float* gradValueRow = gradV + keyOffset;
#pragma omp simd
              for (int64_t d = 0; d < D; ++d) gradValueRow[d] += p * gradRow[d];
            }
          }
          for (int64_t j = 0; j <= last; ++j) {
            const float p = probabilityRow[j];
            if (p == 0.0f) continue;
            const float gradScore = p * (gradScores[j] - weighted) * s.scale;
            const int64_t keyOffset = ((b * S + j) * KV + kvHead) * D;
            if (gradQ) {
              const float* keyRow = k + keyOffset;
              float* gradQueryRow = gradQ + rowOffset;
#pragma omp simd
              for (int64_t d = 0; d < D; ++d) gradQueryRow[d] += gradScore * keyRow[d];
            }
            if (gradK) {
              float* gradKeyRow = gradK + keyOffset;
#pragma omp simd
              for (int64_t d = 0; d < D; ++d) gradKeyRow[d] += gradScore * queryRow[d];
            }
          }
        }
      }
    }
  }
}

}  // namespace swirl
