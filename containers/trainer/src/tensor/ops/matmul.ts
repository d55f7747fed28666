// Matrix multiply with optional transposes and batched leading dimensions (a 2-D operand is shared across the batch).
import { Tensor, formatShape, sizeOf } from '../tensor';
import { needsGrad, record } from '../autograd';
import { kernelsFor } from './kernels-for';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

interface Plan {
  m: number;
  n: number;
  k: number;
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
  outputShape: number[];
}

function plan(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Plan {
  const describe = `matmul(${formatShape(a.shape)}${transposeA ? 'ᵀ' : ''}, ${formatShape(b.shape)}${transposeB ? 'ᵀ' : ''})`;
  if (a.rank < 2 || b.rank < 2) throw new Error(`${describe}: expected operands of rank ≥ 2`);
  const [aRows, aColumns] = a.shape.slice(-2);
  const [bRows, bColumns] = b.shape.slice(-2);
  const m = transposeA ? aColumns : aRows;
  const k = transposeA ? aRows : aColumns;
  const kB = transposeB ? bColumns : bRows;
  const n = transposeB ? bRows : bColumns;
  if (k !== kB) throw new Error(`${describe}: inner dimensions differ (${k} vs ${kB})`);
  const leadingA = a.shape.slice(0, -2);
  const leadingB = b.shape.slice(0, -2);
  const batchA = sizeOf(leadingA);
  const batchB = sizeOf(leadingB);
  if (leadingB.length === 0 && !transposeA) {
    // Fold the leading dimensions of `a` into rows: one large GEMM instead of many small ones.
    return { m: m * batchA, n, k, batch: 1, strideA: 0, strideB: 0, strideC: 0, outputShape: [...leadingA, m, n] };
  }
  if (leadingA.length > 0 && leadingB.length > 0 && leadingA.join(',') !== leadingB.join(',')) {
    throw new Error(`${describe}: leading (batch) dimensions differ; expected equal, or a 2-D operand`);
  }
  const leading = leadingA.length > 0 ? leadingA : leadingB;
  return {
    m,
    n,
    k,
    batch: Math.max(batchA, batchB),
    strideA: leadingA.length > 0 ? m * k : 0,
    strideB: leadingB.length > 0 ? k * n : 0,
    strideC: m * n,
    outputShape: [...leading, m, n],
  };
}

/** a·b over the last two dimensions; transposes read the operand's last two dimensions swapped, without copying. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const p = plan(a, b, transposeA, transposeB);
  const backend = kernelsFor('matmul', a, b);
  const out = new Tensor(backend.allocate(sizeOf(p.outputShape)), p.outputShape, { op: 'matmul' });
  const lda = transposeA ? p.m : p.k;
  const ldb = transposeB ? p.k : p.n;
  const shared = { aOffset: 0, bOffset: 0, cOffset: 0, batch: p.batch, alpha: 1 };
  backend.gemm({ ...shared, transposeA, transposeB, m: p.m, n: p.n, k: p.k, beta: 0, a: a.buffer, lda, b: b.buffer, ldb, c: out.buffer, ldc: p.n, strideA: p.strideA, strideB: p.strideB, strideC: p.strideC });
  if (!needsGrad(a, b)) return out;
  return record(out, [a, b], () => {
    const gradOut = out.gradBuffer!;
    if (a.requiresGrad) {
      const gradA = a.ensureGradBuffer();
      if (!transposeA) {
        // dA[m,k] += dC[m,n] · op(B)ᵀ
        backend.gemm({ ...shared, transposeA: false, transposeB: !transposeB, m: p.m, n: p.k, k: p.n, beta: 1, a: gradOut, lda: p.n, b: b.buffer, ldb, c: gradA, ldc: p.k, strideA: p.strideC, strideB: p.strideB, strideC: p.strideA });
      } else {
        // A is stored [k,m]: dA += op(B) · dCᵀ
        backend.gemm({ ...shared, transposeA: transposeB, transposeB: true, m: p.k, n: p.m, k: p.n, beta: 1, a: b.buffer, lda: ldb, b: gradOut, ldb: p.n, c: gradA, ldc: p.m, strideA: p.strideB, strideB: p.strideC, strideC: p.strideA });
      }
    }
    if (b.requiresGrad) {
      const gradB = b.ensureGradBuffer();
      if (!transposeB) {
        // dB[k,n] += op(A)ᵀ · dC
        backend.gemm({ ...shared, transposeA: !transposeA, transposeB: false, m: p.k, n: p.n, k: p.m, beta: 1, a: a.buffer, lda, b: gradOut, ldb: p.n, c: gradB, ldc: p.n, strideA: p.strideA, strideB: p.strideC, strideC: p.strideB });
      } else {
        // B is stored [n,k]: dB += dCᵀ · op(A)
        backend.gemm({ ...shared, transposeA: true, transposeB: transposeA, m: p.n, n: p.k, k: p.m, beta: 1, a: gradOut, lda: p.n, b: a.buffer, ldb: lda, c: gradB, ldc: p.k, strideA: p.strideC, strideB: p.strideA, strideC: p.strideB });
      }
    }
  });
}
