// Op cases for the gradient and backend-agreement tests: each pairs the autograd op with a float64 forward built on the reference kernels.
import { Tensor, Rng } from '../../../containers/trainer/src/tensor';
import * as ops from '../../../containers/trainer/src/tensor/ops';
import { gemm } from '../../../containers/trainer/src/tensor/backends/reference/gemm';
import * as elementwise from '../../../containers/trainer/src/tensor/backends/reference/elementwise';
import { rmsNormForward, rope } from '../../../containers/trainer/src/tensor/backends/reference/normalization';
import { attentionForward } from '../../../containers/trainer/src/tensor/backends/reference/attention';
import { logSoftmaxGatherForward } from '../../../containers/trainer/src/tensor/backends/reference/cross-entropy';
import { rotateByTable } from '../../../containers/trainer/src/tensor/backends/reference/activations';
import { windowedAttentionForward } from '../../../containers/trainer/src/tensor/backends/reference/windowed-attention';
import { dropoutMask } from '../../../containers/trainer/src/tensor/backends/reference/dropout-mask';

export interface OpCase {
  name: string;
  shapes: number[][];
  /** Which inputs get gradients checked (all by default). */
  differentiable?: boolean[];
  /** Makes inputs from a random draw when the op needs structured values (e.g. separated operands). */
  prepare?: (inputs: Float64Array[]) => void;
  run(inputs: Tensor[]): Tensor;
  /** The same function in float64: the reference kernels run unchanged on Float64Array buffers. */
  forward64(inputs: Float64Array[]): Float64Array;
}

/** The reference kernels only index their arguments, so float64 buffers flow through them at full precision. */
const widened = (array: Float64Array): Float32Array => array as unknown as Float32Array;

function gemm64(a: Float64Array, b: Float64Array, shape: { m: number; n: number; k: number; batch: number; transposeA: boolean; transposeB: boolean; strideA: number; strideB: number }): Float64Array {
  const c = new Float64Array(shape.batch * shape.m * shape.n);
  gemm({ ...shape, alpha: 1, beta: 0, a: widened(a), aOffset: 0, lda: shape.transposeA ? shape.m : shape.k, b: widened(b), bOffset: 0, ldb: shape.transposeB ? shape.k : shape.n, c: widened(c), cOffset: 0, ldc: shape.n, strideC: shape.m * shape.n });
  return c;
}

function unary64(kernel: (x: Float32Array, out: Float32Array) => void) {
  return ([x]: Float64Array[]): Float64Array => {
    const out = new Float64Array(x.length);
    kernel(widened(x), widened(out));
    return out;
  };
}

const ids = Int32Array.from([5, 0, 3, 3, 1, 2]);
const positions = Int32Array.from([0, 1, 2]);
const rowPositions = Int32Array.from([4, 5, 6, 0, 1, 2]);
const targets = Int32Array.from([2, 6, -1, 0, 3]);
const tokenWeights = Float32Array.from([1, 0.5, 1, 0, 2]);
const keyMask = Uint8Array.from([1, 1, 1, 1, 0, 0, 1, 1, 1, 1]);

function attention64(inputs: Float64Array[], shape: { batch: number; queryLength: number; keyLength: number; heads: number; kvHeads: number; headDim: number; keyMask: Uint8Array | null }): Float64Array {
  const [q, k, v] = inputs;
  const out = new Float64Array(q.length);
  const probabilities = new Float64Array(shape.batch * shape.heads * shape.queryLength * shape.keyLength);
  attentionForward(widened(q), widened(k), widened(v), { ...shape, queryOffset: shape.keyLength - shape.queryLength, scale: 1 / Math.sqrt(shape.headDim) }, widened(out), widened(probabilities));
  return out;
}

const inverseFrequencies = Float64Array.from([1, 0.05]);
const windowed = { heads: 2, kvHeads: 1, queryOffset: 1, scale: 0.5, window: 3, softCap: 2, mask: keyMask };

function scaledRope64([x]: Float64Array[]): Float64Array {
  const angles = Array.from({ length: 7 * 2 }, (_, i) => Math.fround(Math.floor(i / 2) * inverseFrequencies[i % 2]));
  const out = new Float64Array(x.length);
  const shape = { batch: 2, sequenceLength: 3, heads: 2, headDim: 4, positions: rowPositions };
  rotateByTable(widened(x), widened(out), widened(Float64Array.from(angles, Math.cos)), widened(Float64Array.from(angles, Math.sin)), shape, 1, false);
  return out;
}

function windowedAttention64([q, k, v]: Float64Array[]): Float64Array {
  const shape = { batch: 2, queryLength: 4, keyLength: 5, heads: 2, kvHeads: 1, headDim: 4, queryOffset: 1, scale: 0.5, window: 3, softCap: 2, keyMask };
  const out = new Float64Array(q.length);
  const probabilities = new Float64Array(2 * 2 * 4 * 5);
  windowedAttentionForward(widened(q), widened(k), widened(v), shape, widened(out), widened(probabilities), widened(new Float64Array(probabilities.length)));
  return out;
}

function logProbs64(logits: Float64Array, vocab: number): Float64Array {
  const out = new Float64Array(targets.length);
  logSoftmaxGatherForward(widened(logits), targets, vocab, widened(out), widened(new Float64Array(targets.length)));
  return out;
}

export const OP_CASES: OpCase[] = [
  { name: 'matmul', shapes: [[3, 4], [4, 5]], run: ([a, b]) => ops.matmul(a, b), forward64: ([a, b]) => gemm64(a, b, { m: 3, n: 5, k: 4, batch: 1, transposeA: false, transposeB: false, strideA: 0, strideB: 0 }) },
  { name: 'matmul batched, both transposed', shapes: [[2, 4, 3], [2, 5, 4]], run: ([a, b]) => ops.matmul(a, b, { transposeA: true, transposeB: true }), forward64: ([a, b]) => gemm64(a, b, { m: 3, n: 5, k: 4, batch: 2, transposeA: true, transposeB: true, strideA: 12, strideB: 20 }) },
  { name: 'matmul batched × shared 2-D weightᵀ', shapes: [[2, 3, 4], [5, 4]], run: ([a, b]) => ops.matmul(a, b, { transposeB: true }), forward64: ([a, b]) => gemm64(a, b, { m: 6, n: 5, k: 4, batch: 1, transposeA: false, transposeB: true, strideA: 0, strideB: 0 }) },
  { name: 'matmul batched transposed × shared 2-D', shapes: [[2, 4, 3], [4, 5]], run: ([a, b]) => ops.matmul(a, b, { transposeA: true }), forward64: ([a, b]) => gemm64(a, b, { m: 3, n: 5, k: 4, batch: 2, transposeA: true, transposeB: false, strideA: 12, strideB: 0 }) },
  { name: 'matmul shared 2-D × batched', shapes: [[3, 4], [2, 4, 5]], run: ([a, b]) => ops.matmul(a, b), forward64: ([a, b]) => gemm64(a, b, { m: 3, n: 5, k: 4, batch: 2, transposeA: false, transposeB: false, strideA: 0, strideB: 20 }) },
  { name: 'add broadcast', shapes: [[3, 4], [4]], run: ([a, b]) => ops.add(a, b), forward64: ([a, b]) => a.map((value, i) => value + b[i % 4]) },
  { name: 'sub', shapes: [[3, 4], [3, 4]], run: ([a, b]) => ops.sub(a, b), forward64: ([a, b]) => a.map((value, i) => value - b[i]) },
  { name: 'sub broadcast', shapes: [[2, 3], [3]], run: ([a, b]) => ops.sub(a, b), forward64: ([a, b]) => a.map((value, i) => value - b[i % 3]) },
  { name: 'mul', shapes: [[3, 4], [3, 4]], run: ([a, b]) => ops.mul(a, b), forward64: ([a, b]) => a.map((value, i) => value * b[i]) },
  { name: 'mul broadcast', shapes: [[3, 4], [4]], run: ([a, b]) => ops.mul(a, b), forward64: ([a, b]) => a.map((value, i) => value * b[i % 4]) },
  { name: 'scale', shapes: [[7]], run: ([x]) => ops.scale(x, -1.7), forward64: ([x]) => x.map((value) => value * -1.7) },
  { name: 'exp', shapes: [[9]], run: ([x]) => ops.exp(x), forward64: unary64(elementwise.exp) },
  { name: 'silu', shapes: [[11]], run: ([x]) => ops.silu(x), forward64: unary64(elementwise.siluForward) },
  {
    name: 'swiglu',
    shapes: [[2, 5], [2, 5]],
    run: ([gate, up]) => ops.swiglu(gate, up),
    forward64: ([gate, up]) => {
      const out = new Float64Array(gate.length);
      elementwise.swigluForward(widened(gate), widened(up), widened(out));
      return out;
    },
  },
  {
    name: 'minimum',
    shapes: [[8], [8]],
    prepare: ([a, b]) => b.forEach((_, i) => (b[i] = a[i] + (i % 2 === 0 ? 0.5 : -0.5))),
    run: ([a, b]) => ops.minimum(a, b),
    forward64: ([a, b]) => a.map((value, i) => Math.min(value, b[i])),
  },
  {
    name: 'clamp',
    shapes: [[8]],
    prepare: ([x]) => x.forEach((_, i) => (x[i] = [-2, -0.3, 0.2, 1.8, -0.9, 0.6, 2.5, 0][i])),
    run: ([x]) => ops.clamp(x, -1, 1),
    forward64: ([x]) => x.map((value) => Math.min(1, Math.max(-1, value))),
  },
  {
    name: 'embedding',
    shapes: [[6, 4]],
    run: ([weight]) => ops.embedding(weight, ids, [2, 3]),
    forward64: ([weight]) => {
      const out = new Float64Array(ids.length * 4);
      ids.forEach((id, t) => out.set(weight.subarray(id * 4, id * 4 + 4), t * 4));
      return out;
    },
  },
  {
    name: 'rmsNorm',
    shapes: [[3, 8], [8]],
    run: ([x, weight]) => ops.rmsNorm(x, weight, 1e-5),
    forward64: ([x, weight]) => {
      const out = new Float64Array(x.length);
      rmsNormForward(widened(x), widened(weight), 8, 1e-5, widened(out), widened(new Float64Array(3)));
      return out;
    },
  },
  ...[
    { label: 'shared positions', table: positions },
    { label: 'per-row positions', table: rowPositions },
  ].map(({ label, table }): OpCase => ({
    name: `rope, ${label}`,
    shapes: [[2, 3, 8]],
    run: ([x]) => ops.rope(x, table, 10000, 4),
    forward64: ([x]) => {
      const out = new Float64Array(x.length);
      rope(widened(x), widened(out), { batch: 2, sequenceLength: 3, heads: 2, headDim: 4, theta: 10000, positions: table }, 1, false);
      return out;
    },
  })),
  {
    name: 'causalAttention, grouped-query',
    shapes: [[2, 4, 16], [2, 4, 8], [2, 4, 8]],
    run: ([q, k, v]) => ops.causalAttention(q, k, v, { heads: 4, kvHeads: 2 }),
    forward64: (inputs) => attention64(inputs, { batch: 2, queryLength: 4, keyLength: 4, heads: 4, kvHeads: 2, headDim: 4, keyMask: null }),
  },
  {
    name: 'causalAttention, cached keys and padding mask',
    shapes: [[2, 2, 8], [2, 5, 4], [2, 5, 4]],
    run: ([q, k, v]) => ops.causalAttention(q, k, v, { heads: 2, kvHeads: 1, mask: keyMask }),
    forward64: (inputs) => attention64(inputs, { batch: 2, queryLength: 2, keyLength: 5, heads: 2, kvHeads: 1, headDim: 4, keyMask }),
  },
  { name: 'softCap', shapes: [[9]], prepare: ([x]) => x.forEach((value, i) => (x[i] = value * 3)), run: ([x]) => ops.softCap(x, 2), forward64: ([x]) => x.map((value) => 2 * Math.tanh(value / 2)) },
  {
    name: 'geglu',
    shapes: [[2, 5], [2, 5]],
    run: ([gate, up]) => ops.geglu(gate, up),
    forward64: ([gate, up]) => gate.map((x, i) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))) * up[i]),
  },
  { name: 'scaledRope, per-row positions', shapes: [[2, 3, 8]], run: ([x]) => ops.scaledRope(x, rowPositions, inverseFrequencies, 4), forward64: scaledRope64 },
  {
    name: 'windowedAttention, window, soft cap and padding mask',
    shapes: [[2, 4, 8], [2, 5, 4], [2, 5, 4]],
    run: ([q, k, v]) => ops.windowedAttention(q, k, v, windowed),
    forward64: windowedAttention64,
  },
  { name: 'logSoftmaxGather', shapes: [[5, 7]], run: ([logits]) => ops.logSoftmaxGather(logits, targets), forward64: ([logits]) => logProbs64(logits, 7) },
  {
    name: 'crossEntropy, weighted mean',
    shapes: [[5, 7]],
    run: ([logits]) => ops.crossEntropy(logits, targets, tokenWeights),
    forward64: ([logits]) => {
      const logProbs = logProbs64(logits, 7);
      let total = 0;
      let weight = 0;
      targets.forEach((target, r) => {
        if (target < 0) return;
        total -= tokenWeights[r] * logProbs[r];
        weight += tokenWeights[r];
      });
      return Float64Array.of(total / weight);
    },
  },
  {
    name: 'crossEntropy, sum',
    shapes: [[5, 7]],
    run: ([logits]) => ops.crossEntropy(logits, targets, undefined, { reduction: 'sum' }),
    forward64: ([logits]) => Float64Array.of(-logProbs64(logits, 7).reduce((total, value) => total + value, 0)),
  },
  { name: 'sum', shapes: [[3, 5]], run: ([x]) => ops.sum(x), forward64: ([x]) => Float64Array.of(x.reduce((total, value) => total + value, 0)) },
  { name: 'mean', shapes: [[3, 5]], run: ([x]) => ops.mean(x), forward64: ([x]) => Float64Array.of(x.reduce((total, value) => total + value, 0) / 15) },
  { name: 'reshape', shapes: [[3, 4]], run: ([x]) => ops.mul(ops.reshape(x, [2, -1]), ops.reshape(x, [2, 6])), forward64: ([x]) => x.map((value) => value * value) },
  {
    name: 'transpose',
    shapes: [[2, 3, 4]],
    run: ([x]) => ops.transpose(x, 0, 2),
    forward64: ([x]) => {
      const out = new Float64Array(24);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) out[k * 6 + j * 2 + i] = x[i * 12 + j * 4 + k];
      return out;
    },
  },
  {
    name: 'transpose, middle axes of rank 4',
    shapes: [[2, 3, 2, 2]],
    run: ([x]) => ops.transpose(x, 1, 2),
    forward64: ([x]) => {
      const out = new Float64Array(24);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) for (let l = 0; l < 2; l++) out[i * 12 + k * 6 + j * 2 + l] = x[i * 12 + j * 4 + k * 2 + l];
      return out;
    },
  },
  {
    name: 'concat and narrow',
    shapes: [[2, 3, 2], [2, 1, 2]],
    run: ([a, b]) => ops.narrow(ops.concat([a, b], 1), 1, 1, 3),
    forward64: ([a, b]) => Float64Array.from([a[2], a[3], a[4], a[5], b[0], b[1], a[8], a[9], a[10], a[11], b[2], b[3]]),
  },
  {
    name: 'dropout',
    shapes: [[12]],
    run: ([x]) => ops.dropout(x, 0.25, new Rng(7)),
    // One seed drawn from the Rng, expanded by the counter-based hash every backend shares.
    forward64: ([x]) => {
      const mask = new Float32Array(x.length);
      dropoutMask(new Rng(7).nextUint32(), 0.25, mask);
      return x.map((value, index) => (mask[index] === 0 ? 0 : value / 0.75));
    },
  },
];
