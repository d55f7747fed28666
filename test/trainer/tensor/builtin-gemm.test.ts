// The built-in GEMM: agrees with the reference on every transpose, batch and beta case for each instruction set this CPU has, and
// computes each output row by the same arithmetic whatever the other rows and the thread count (bit for bit).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Rng, getReferenceBackend, type GemmArgs, type KernelBackend } from '../../../containers/trainer/src/tensor';
import { loadNativeBackend, selectNativeGemm } from '../../../containers/trainer/src/tensor/backends/native-backend';
import { nativeBackendOrNull } from './backends';

const ROOT = resolve(__dirname, '../../..');
const ISAS = ['avx512', 'avx2', 'portable'] as const;

interface Case {
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  n: number;
  k: number;
}

function normals(rng: Rng, length: number): Float32Array {
  if (length <= 1 << 20) return Float32Array.from({ length }, () => rng.nextNormal());
  // Large operands: a cheap deterministic spread of values in (-1, 1), seeded by one draw.
  const offset = rng.nextFloat();
  return Float32Array.from({ length }, (_, i) => Math.sin(i * 0.7548776662 + offset * 1000));
}

/** Operands for a case, with leading dimensions wider than the matrices so strides are exercised too. */
function operands(c: Case, seed: number): { a: Float32Array; lda: number; b: Float32Array; ldb: number } {
  const rng = new Rng(seed);
  const lda = (c.transposeA ? c.m : c.k) + 3;
  const ldb = (c.transposeB ? c.k : c.n) + 1;
  return { a: normals(rng, (c.transposeA ? c.k : c.m) * lda), lda, b: normals(rng, (c.transposeB ? c.n : c.k) * ldb), ldb };
}

function multiply(backend: KernelBackend, c: Case, seed: number, extra: Partial<GemmArgs> = {}): Float32Array {
  const { a, lda, b, ldb } = operands(c, seed);
  const out = extra.c ?? new Float32Array(c.m * c.n);
  backend.gemm({ ...c, alpha: 0.75, beta: 0, a, aOffset: 0, lda, b, bOffset: 0, ldb, c: out, cOffset: 0, ldc: c.n, batch: 1, strideA: 0, strideB: 0, strideC: 0, ...extra });
  return out;
}

function maxScaledDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}

const native = nativeBackendOrNull();
const detected = loadNativeBackend().gemm?.detectedIsa;
const available = detected ? ISAS.slice(ISAS.indexOf(detected)) : [];

describe('built-in GEMM', () => {
  if (!native) {
    it('is skipped: the native addon is not built here', () => expect(native).toBeNull());
    return;
  }
  afterAll(() => selectNativeGemm(process.env.SWIRL_GEMM || 'auto', process.env.SWIRL_GEMM_ISA || 'auto'));

  it.each(available.map((isa) => [isa]))('%s: agrees with the reference on all transposes, edge tiles and several K blocks', (isa) => {
    selectNativeGemm('builtin', isa);
    const rng = new Rng(11);
    for (let trial = 0; trial < 24; trial++) {
      const c: Case = { transposeA: trial % 2 === 1, transposeB: trial % 4 >= 2, m: 1 + rng.nextInt(40), n: 1 + rng.nextInt(70), k: 1 + rng.nextInt(trial < 20 ? 80 : 600) };
      const expected = multiply(getReferenceBackend(), c, trial);
      expect({ case: c, close: maxScaledDifference(multiply(native, c, trial), expected) < 1e-4 }).toEqual({ case: c, close: true });
    }
  });

  it.each(available.map((isa) => [isa]))('%s: keeps beta, accumulates a batch into one output when its stride is 0, and ignores NaN in C when beta is 0', (isa) => {
    selectNativeGemm('builtin', isa);
    const rng = new Rng(5);
    const [m, n, k, batch] = [13, 37, 300, 3];
    const a = normals(rng, batch * m * k);
    const b = normals(rng, k * n);
    const start = normals(rng, m * n);
    const args = (backend: KernelBackend, c: Float32Array, beta: number, strideC: number): Float32Array => {
      backend.gemm({ transposeA: false, transposeB: false, m, n, k, alpha: 1, beta, a, aOffset: 0, lda: k, b, bOffset: 0, ldb: n, c, cOffset: 0, ldc: n, batch, strideA: m * k, strideB: 0, strideC });
      return c;
    };
    expect(maxScaledDifference(args(native, start.slice(), 0.5, 0), args(getReferenceBackend(), start.slice(), 0.5, 0))).toBeLessThan(1e-4);
    const poisoned = new Float32Array(batch * m * n).fill(Number.NaN);
    const result = args(native, poisoned, 0, m * n);
    expect(result.every(Number.isFinite)).toBe(true);
    expect(maxScaledDifference(result, args(getReferenceBackend(), new Float32Array(batch * m * n), 0, m * n))).toBeLessThan(1e-4);
    // k = 0: C is only scaled by beta.
    const empty = start.slice();
    native.gemm({ transposeA: false, transposeB: false, m, n, k: 0, alpha: 1, beta: 2, a, aOffset: 0, lda: 1, b, bOffset: 0, ldb: n, c: empty, cOffset: 0, ldc: n, batch: 1, strideA: 0, strideB: 0, strideC: 0 });
    expect(empty).toEqual(start.map((value) => value * 2));
  });

  it.each(available.map((isa) => [isa]))('%s: a row computed with other rows equals the row computed alone, bit for bit', (isa) => {
    selectNativeGemm('builtin', isa);
    // The last shape is too large to pack whole, so it takes the blocked path while its rows alone are packed whole
    // (the drivers are shared by every instruction set, so the widest one checks it).
    const shapes = [[9, 400], [33, 130], [150, 700], ...(isa === available[0] ? [[2400, 1800]] : [])];
    for (const [trial, shape] of shapes.entries()) {
      const [m, k] = shape;
      for (const transposeB of [false, true]) {
        const c: Case = { transposeA: false, transposeB, m, n: 75, k };
        const all = multiply(native, c, trial);
        const { a, lda, b, ldb } = operands(c, trial);
        for (const row of [0, Math.floor(m / 2), m - 1]) {
          const alone = new Float32Array(c.n);
          native.gemm({ ...c, m: 1, alpha: 0.75, beta: 0, a, aOffset: row * lda, lda, b, bOffset: 0, ldb, c: alone, cOffset: 0, ldc: c.n, batch: 1, strideA: 0, strideB: 0, strideC: 0 });
          expect({ m, row, transposeB, same: Buffer.from(alone.buffer).equals(Buffer.from(all.buffer, row * c.n * 4, c.n * 4)) }).toEqual({ m, row, transposeB, same: true });
        }
      }
    }
  });

  it('gives the same bits on one thread as on all of them', () => {
    const script = `
      const { loadNativeBackend, selectNativeGemm } = require('./containers/trainer/src/tensor/backends/native-backend');
      const { Rng } = require('./containers/trainer/src/tensor');
      const backend = loadNativeBackend().backend;
      selectNativeGemm('builtin');
      const rng = new Rng(3);
      const [m, n, k] = [300, 700, 600];
      const a = Float32Array.from({ length: m * k }, () => rng.nextNormal());
      const b = Float32Array.from({ length: k * n }, () => rng.nextNormal());
      const c = new Float32Array(m * n);
      backend.gemm({ transposeA: false, transposeB: true, m, n, k, alpha: 1, beta: 0, a, aOffset: 0, lda: k, b, bOffset: 0, ldb: k, c, cOffset: 0, ldc: n, batch: 1, strideA: 0, strideB: 0, strideC: 0 });
      console.log(require('node:crypto').createHash('sha256').update(Buffer.from(c.buffer)).digest('hex') + ' ' + loadNativeBackend().gemm.threads);`;
    const run = (threads: string) => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: threads } });
      if (result.status !== 0) throw new Error(result.stderr);
      return result.stdout.trim().split(' ');
    };
    const [single, one] = run('1');
    const [many, count] = run('3');
    expect([one, count]).toEqual(['1', '3']);
    expect(single).toBe(many);
  });

  it('refuses a GEMM or instruction set it cannot give, naming what it expected', () => {
    expect(() => selectNativeGemm('mkl')).toThrow('expected auto, openblas or builtin, received "mkl"');
    expect(() => selectNativeGemm('builtin', 'sve')).toThrow('expected auto, avx512, avx2 or portable, received "sve"');
  });
});
