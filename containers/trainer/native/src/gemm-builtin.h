// The built-in GEMM's interface: one problem, blocked the same way by each instruction set's kernel.
#pragma once
#include <cstdint>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace swirl {

/** One row-major C = alpha·op(A)·op(B) + beta·C with m, n, k > 0. */
struct GemmProblem {
  bool transposeA, transposeB;
  int64_t m, n, k;
  float alpha;
  const float* a;
  int64_t lda;
  const float* b;
  int64_t ldb;
  float beta;
  float* c;
  int64_t ldc;
};

// Cache blocking, the same for every instruction set and every problem: the K block depth fixes each element's
// summation order, so it must never depend on the shape or the thread count.
constexpr int64_t kBlockDepth = 256;
constexpr int64_t kBlockRows = 144;
constexpr int64_t kBlockColumns = 3072;
// Rows of A packed at once (a multiple of every tile height and of kBlockRows).
constexpr int64_t kChunkRows = 144 * 16;

struct BlockedGemmLayout {
  int64_t tileRows, tileColumns;
};

// Products whose packed A and B together fit in this many floats are packed whole up front, so the threads meet at
// two barriers per product instead of three per K block.
constexpr int64_t kWholePackingFloats = 4 * 1024 * 1024;

inline int64_t roundUp(int64_t value, int64_t step) { return (value + step - 1) / step * step; }

inline bool packsWhole(BlockedGemmLayout tile, int64_t m, int64_t n, int64_t k) {
  return (roundUp(m, tile.tileRows) + roundUp(n, tile.tileColumns)) * k <= kWholePackingFloats;
}

/** Floats of workspace gemm needs for this product on `threads` threads with this tile layout. */
inline int64_t blockedGemmWorkspace(BlockedGemmLayout tile, int threads, int64_t m, int64_t n, int64_t k) {
  const int64_t scratch = tile.tileRows * tile.tileColumns * threads;
  if (packsWhole(tile, m, n, k)) return roundUp(roundUp(m, tile.tileRows) * k, 16) + roundUp(roundUp(n, tile.tileColumns) * k, 16) + scratch;
  return roundUp(kBlockColumns, tile.tileColumns) * kBlockDepth + kChunkRows * kBlockDepth + scratch;
}

#define SWIRL_DECLARE_BLOCKED_GEMM(isa)                              \
  namespace isa {                                                    \
  BlockedGemmLayout layout();                                        \
  void gemm(const GemmProblem& problem, float* workspace, int threads); \
  }

SWIRL_DECLARE_BLOCKED_GEMM(avx512)
SWIRL_DECLARE_BLOCKED_GEMM(avx2)
SWIRL_DECLARE_BLOCKED_GEMM(portable)

}  // namespace swirl
