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

struct BlockedGemmLayout {
  int64_t tileRows, tileColumns;
};

/** Floats of workspace gemm needs for `threads` threads with this tile layout. */
inline int64_t blockedGemmWorkspace(BlockedGemmLayout tile, int threads) {
  const int64_t packedB = (kBlockColumns + tile.tileColumns - 1) / tile.tileColumns * tile.tileColumns * kBlockDepth;
  const int64_t perThread = (kBlockRows + tile.tileRows - 1) / tile.tileRows * tile.tileRows * kBlockDepth + tile.tileRows * tile.tileColumns;
  return packedB + perThread * threads;
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
