// Reference GEMM: the textbook triple loop over row-major matrices, one batch entry at a time.
import type { GemmArgs } from '../../kernels';

export function gemm(args: GemmArgs): void {
  const { transposeA, transposeB, m, n, k, alpha, beta, a, b, c, lda, ldb, ldc } = args;
  for (let batch = 0; batch < args.batch; batch++) {
    const aBase = args.aOffset + batch * args.strideA;
    const bBase = args.bOffset + batch * args.strideB;
    const cBase = args.cOffset + batch * args.strideC;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let total = 0;
        for (let p = 0; p < k; p++) {
          const aValue = transposeA ? a[aBase + p * lda + i] : a[aBase + i * lda + p];
          const bValue = transposeB ? b[bBase + j * ldb + p] : b[bBase + p * ldb + j];
          total += aValue * bValue;
        }
        const index = cBase + i * ldc + j;
        c[index] = alpha * total + (beta === 0 ? 0 : beta * c[index]);
      }
    }
  }
}
