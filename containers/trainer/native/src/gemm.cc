// Batched row-major GEMM on OpenBLAS cblas_sgemm.
#include <cblas.h>
#include "kernels.h"

namespace swirl {

void gemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc, int64_t batch, int64_t strideA, int64_t strideB,
          int64_t strideC) {
  if (m == 0 || n == 0) return;
  // Sequential over the batch: a zero output stride means every entry accumulates into the same matrix.
  for (int64_t i = 0; i < batch; ++i) {
    if (k == 0) {
      float* out = c + i * strideC;
      for (int64_t row = 0; row < m; ++row)
        for (int64_t column = 0; column < n; ++column) out[row * ldc + column] = beta == 0.0f ? 0.0f : out[row * ldc + column] * beta;
      continue;
    }
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                (int)k, alpha, a + i * strideA, (int)lda, b + i * strideB, (int)ldb, beta, c + i * strideC, (int)ldc);
  }
}

}  // namespace swirl
