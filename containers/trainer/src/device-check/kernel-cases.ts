// One case per kernel of the interface (forward and backward kernels alike): named inputs, which of them the kernel
// writes, and the call, written once for any buffer type so the device and the reference run the same code.
import type { KernelBackend } from '../tensor/kernels';
import { drawNormal } from './compare-values';
import { createFamilyKernelCases } from './family-kernel-cases';

export interface KernelCase {
  name: string;
  /** Every buffer the call reads or writes, with its starting values. */
  buffers: Record<string, Float32Array>;
  /** The buffers the kernel writes, compared after the call. */
  outputs: string[];
  /** Returns what the kernel returns (a scalar or token ids), compared too. */
  run<B>(kernels: KernelBackend<B>, buffers: Record<string, B>): number | Int32Array | void;
}

/** Sizes of the cases: `tiny` for the emulated table on a CPU, `full` for a GPU (model-sized rows, long vocabularies). */
export interface KernelSizes {
  rows: number;
  dim: number;
  gemm: { m: number; n: number; k: number };
  attention: { batch: number; queryLength: number; keyLength: number; heads: number; kvHeads: number; headDim: number };
  vocab: number;
}

export const TINY_SIZES: KernelSizes = { rows: 6, dim: 40, gemm: { m: 17, n: 23, k: 31 }, attention: { batch: 2, queryLength: 5, keyLength: 7, heads: 4, kvHeads: 2, headDim: 8 }, vocab: 50 };
export const FULL_SIZES: KernelSizes = { rows: 256, dim: 896, gemm: { m: 300, n: 520, k: 896 }, attention: { batch: 2, queryLength: 128, keyLength: 160, heads: 14, kvHeads: 2, headDim: 64 }, vocab: 151936 };

let seed = 1;
const draw = (length: number, scale = 1): Float32Array => drawNormal(length, seed++, scale);

function gemmCases({ m, n, k }: KernelSizes['gemm']): KernelCase[] {
  const cases: KernelCase[] = [];
  for (const [transposeA, transposeB] of [[false, false], [false, true], [true, false], [true, true]]) {
    for (const sharedB of [false, true]) {
      const batch = 2;
      const strideB = sharedB ? 0 : k * n;
      cases.push({
        name: `gemm${transposeA ? ' Aᵀ' : ''}${transposeB ? ' Bᵀ' : ''}, batch 2${sharedB ? ', shared B' : ''}, alpha 0.7, beta 0.3`,
        buffers: { a: draw(batch * m * k), b: draw(sharedB ? k * n : batch * k * n), c: draw(batch * m * n) },
        outputs: ['c'],
        run: (kernels, b) => kernels.gemm({
          transposeA, transposeB, m, n, k, alpha: 0.7, beta: 0.3, a: b.a, aOffset: 0, lda: transposeA ? m : k, b: b.b, bOffset: 0, ldb: transposeB ? k : n,
          c: b.c, cOffset: 0, ldc: n, batch, strideA: m * k, strideB, strideC: m * n,
        }),
      });
    }
  }
  return cases;
}

function elementwiseCases(rows: number, dim: number): KernelCase[] {
  const size = rows * dim;
  const matrix = (): Float32Array => draw(size);
  return [
    { name: 'addBroadcast', buffers: { a: matrix(), b: draw(dim), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => k.addBroadcast(b.a, b.b, b.out) },
    { name: 'mulBroadcast', buffers: { a: matrix(), b: draw(dim), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => k.mulBroadcast(b.a, b.b, b.out) },
    { name: 'axpy', buffers: { x: matrix(), y: matrix() }, outputs: ['y'], run: (k, b) => k.axpy(-1.3, b.x, b.y) },
    { name: 'sumRowsInto', buffers: { x: matrix(), out: draw(dim) }, outputs: ['out'], run: (k, b) => k.sumRowsInto(0.5, b.x, b.out) },
    { name: 'mulAccumulate', buffers: { x: matrix(), y: draw(dim), out: matrix() }, outputs: ['out'], run: (k, b) => k.mulAccumulate(b.x, b.y, b.out) },
    { name: 'mulSumRowsInto', buffers: { x: matrix(), y: matrix(), out: draw(dim) }, outputs: ['out'], run: (k, b) => k.mulSumRowsInto(b.x, b.y, b.out) },
    { name: 'exp', buffers: { x: draw(size, 3), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => k.exp(b.x, b.out) },
    { name: 'sum', buffers: { x: matrix() }, outputs: [], run: (k, b) => k.sum(b.x) },
    { name: 'sumSquares', buffers: { x: matrix() }, outputs: [], run: (k, b) => k.sumSquares(b.x) },
    { name: 'sumSquaresInto', buffers: { x: matrix(), out: Float32Array.of(2.5) }, outputs: ['out'], run: (k, b) => k.sumSquaresInto(b.x, b.out) },
    { name: 'scaleInPlace', buffers: { x: matrix() }, outputs: ['x'], run: (k, b) => k.scaleInPlace(b.x, 0.37) },
    { name: 'fill', buffers: { x: matrix() }, outputs: ['x'], run: (k, b) => k.fill(b.x, -2.25) },
    { name: 'siluForward', buffers: { x: draw(size, 4), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => k.siluForward(b.x, b.out) },
    { name: 'siluBackward', buffers: { x: draw(size, 4), gradOut: matrix(), gradX: matrix() }, outputs: ['gradX'], run: (k, b) => k.siluBackward(b.x, b.gradOut, b.gradX) },
    { name: 'swigluForward', buffers: { gate: draw(size, 4), up: matrix(), out: new Float32Array(size) }, outputs: ['out'], run: (k, b) => k.swigluForward(b.gate, b.up, b.out) },
    { name: 'swigluBackward', buffers: { gate: draw(size, 4), up: matrix(), gradOut: matrix(), gradGate: matrix(), gradUp: matrix() }, outputs: ['gradGate', 'gradUp'], run: (k, b) => k.swigluBackward(b.gate, b.up, b.gradOut, b.gradGate, b.gradUp) },
    { name: 'swigluBackward, gate only', buffers: { gate: draw(size, 4), up: matrix(), gradOut: matrix(), gradGate: matrix() }, outputs: ['gradGate'], run: (k, b) => k.swigluBackward(b.gate, b.up, b.gradOut, b.gradGate, null) },
    {
      name: 'adamw',
      buffers: { param: matrix(), grad: matrix(), m: draw(size, 0.1), v: drawNormal(size, seed++, 0.1).map(Math.abs) },
      outputs: ['param', 'm', 'v'],
      run: (k, b) => k.adamw(b.param, b.grad, b.m, b.v, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, biasCorrection1: 1 - 0.9 ** 3, biasCorrection2: 1 - 0.999 ** 3 }),
    },
  ];
}

function layoutCases(rows: number, dim: number): KernelCase[] {
  const half = Math.floor(dim / 2);
  return [
    {
      name: 'copyBlocks, strided, accumulate, through views',
      buffers: { source: draw(rows * dim), target: draw(rows * dim) },
      outputs: ['target'],
      run: (k, b) => k.copyBlocks({ source: k.view(b.source, 1, rows * dim - 1), sourceOffset: 2, sourceStride: dim, target: k.view(b.target, half, rows * dim - half), targetOffset: 0, targetStride: dim, blockLength: half - 2, blocks: rows - 1, accumulate: true }),
    },
    { name: 'permute (swap axes 0 and 2)', buffers: { source: draw(rows * dim * 3), target: new Float32Array(rows * dim * 3) }, outputs: ['target'], run: (k, b) => k.permute(b.source, [rows, 3, dim], 0, 2, b.target, false) },
    { name: 'permute, accumulate (swap axes 1 and 2)', buffers: { source: draw(rows * dim * 2), target: draw(rows * dim * 2) }, outputs: ['target'], run: (k, b) => k.permute(b.source, [2, rows, dim], 1, 2, b.target, true) },
  ];
}

function normalizationCases(rows: number, dim: number, heads: number, headDim: number): KernelCase[] {
  const shared = Int32Array.from({ length: rows }, (_, t) => t + 3);
  const perRow = Int32Array.from({ length: 2 * rows }, (_, r) => (r * 7) % 50);
  const ropeSize = 2 * rows * heads * headDim;
  const ropeCase = (name: string, positions: Int32Array, direction: 1 | -1, accumulate: boolean): KernelCase => ({
    name, buffers: { x: draw(ropeSize), out: draw(ropeSize) }, outputs: ['out'],
    run: (k, b) => k.rope(b.x, b.out, { batch: 2, sequenceLength: rows, heads, headDim, theta: 1000000, positions }, direction, accumulate),
  });
  return [
    { name: 'embeddingForward', buffers: { weight: draw(97 * dim), out: new Float32Array(rows * dim) }, outputs: ['out'], run: (k, b) => k.embeddingForward(b.weight, Int32Array.from({ length: rows }, (_, t) => (t * 31) % 97), dim, b.out) },
    { name: 'embeddingBackward, repeated ids', buffers: { gradOut: draw(rows * dim), gradWeight: draw(13 * dim) }, outputs: ['gradWeight'], run: (k, b) => k.embeddingBackward(Int32Array.from({ length: rows }, (_, t) => t % 5), b.gradOut, dim, b.gradWeight) },
    { name: 'rmsNormForward', buffers: { x: draw(rows * dim, 2), weight: draw(dim), out: new Float32Array(rows * dim), inverseRms: new Float32Array(rows) }, outputs: ['out', 'inverseRms'], run: (k, b) => k.rmsNormForward(b.x, b.weight, dim, 1e-6, b.out, b.inverseRms) },
    {
      name: 'rmsNormBackward',
      buffers: { x: draw(rows * dim, 2), weight: draw(dim), inverseRms: drawNormal(rows, seed++).map((value) => 0.5 + Math.abs(value)), gradOut: draw(rows * dim), gradX: draw(rows * dim), gradWeight: draw(dim) },
      outputs: ['gradX', 'gradWeight'],
      run: (k, b) => k.rmsNormBackward(b.x, b.weight, b.inverseRms, b.gradOut, dim, b.gradX, b.gradWeight),
    },
    ropeCase('rope, shared positions', shared, 1, false),
    ropeCase('rope inverse (backward), per-row positions, accumulate', perRow, -1, true),
  ];
}

function attentionCases({ batch, queryLength, keyLength, heads, kvHeads, headDim }: KernelSizes['attention']): KernelCase[] {
  const keyMask = Uint8Array.from({ length: batch * keyLength }, (_, index) => (index % 11 === 3 ? 0 : 1));
  const shape = { batch, queryLength, keyLength, heads, kvHeads, headDim, queryOffset: keyLength - queryLength, scale: 1 / Math.sqrt(headDim), keyMask };
  const querySize = batch * queryLength * heads * headDim;
  const q = (): Float32Array => draw(querySize);
  const kv = (): Float32Array => draw(batch * keyLength * kvHeads * headDim);
  const probabilities = batch * heads * queryLength * keyLength;
  // The backward reads the forward's probabilities: the reference's own forward makes them for both sides.
  return [
    { name: 'attentionForward, grouped-query, cached keys, padding mask', buffers: { q: q(), k: kv(), v: kv(), out: new Float32Array(querySize), probabilities: new Float32Array(probabilities) }, outputs: ['out', 'probabilities'], run: (k, b) => k.attentionForward(b.q, b.k, b.v, shape, b.out, b.probabilities) },
    {
      name: 'attentionForward then attentionBackward',
      buffers: { q: q(), k: kv(), v: kv(), out: new Float32Array(querySize), probabilities: new Float32Array(probabilities), gradOut: q(), gradQ: q(), gradK: kv(), gradV: kv() },
      outputs: ['gradQ', 'gradK', 'gradV'],
      run: (k, b) => {
        k.attentionForward(b.q, b.k, b.v, shape, b.out, b.probabilities);
        k.attentionBackward(b.q, b.k, b.v, b.probabilities, b.gradOut, shape, b.gradQ, b.gradK, b.gradV);
      },
    },
  ];
}

function vocabularyCases(vocab: number): KernelCase[] {
  const rows = 8;
  const targets = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? -1 : (r * 7919) % vocab));
  const sampling = { rows, vocab, temperatures: Float64Array.from({ length: rows }, (_, r) => (r < 4 ? 0 : 0.8)), topPs: Float64Array.from({ length: rows }, (_, r) => (r % 2 ? 0.9 : 1)), draws: Float64Array.from({ length: rows }, (_, r) => (r * 0.123) % 1) };
  return [
    { name: 'logSoftmaxGatherForward', buffers: { logits: draw(rows * vocab, 3), logProbs: new Float32Array(rows), logSumExp: new Float32Array(rows) }, outputs: ['logProbs', 'logSumExp'], run: (k, b) => k.logSoftmaxGatherForward(b.logits, targets, vocab, b.logProbs, b.logSumExp) },
    {
      name: 'logSoftmaxGatherForward then logSoftmaxGatherBackward',
      buffers: { logits: draw(rows * vocab, 3), logProbs: new Float32Array(rows), logSumExp: new Float32Array(rows), gradLogProbs: draw(rows), gradLogits: draw(rows * vocab, 1e-3) },
      outputs: ['gradLogits'],
      run: (k, b) => {
        k.logSoftmaxGatherForward(b.logits, targets, vocab, b.logProbs, b.logSumExp);
        k.logSoftmaxGatherBackward(b.logits, targets, b.logSumExp, b.gradLogProbs, vocab, b.gradLogits);
      },
    },
    // Greedy rows must agree exactly; sampled rows draw from the same uniforms, so they agree unless two candidates tie within rounding.
    { name: 'sampleTokens, greedy and temperature/top-p rows', buffers: { logits: draw(rows * vocab, 3) }, outputs: [], run: (k, b) => k.sampleTokens(b.logits, sampling) },
  ];
}

export function createKernelCases(sizes: KernelSizes): KernelCase[] {
  seed = 1;
  return [
    ...gemmCases(sizes.gemm),
    ...elementwiseCases(sizes.rows, sizes.dim),
    ...layoutCases(sizes.rows, sizes.dim),
    ...normalizationCases(sizes.rows, sizes.dim, sizes.attention.heads, sizes.attention.headDim),
    ...attentionCases(sizes.attention),
    ...vocabularyCases(sizes.vocab),
    ...createFamilyKernelCases(sizes, draw),
  ];
}
