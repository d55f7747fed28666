// Every autograd op as the model uses it, on shapes sized for a CPU (tiny) or a GPU (full): inputs, the call, and
// whether a backward follows (optimizer ops update in place instead).
import { backward } from '../tensor/autograd';
import * as ops from '../tensor/ops';
import { Rng } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';

export interface OpCase {
  name: string;
  shapes: number[][];
  run(inputs: Tensor[]): Tensor;
  /** The case updates its inputs itself (an optimizer step): compare the returned tensor, no backward. */
  updatesInPlace?: boolean;
}

export interface OpSizes {
  rows: number;
  dim: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  sequence: number;
  vocab: number;
}

export const TINY_OP_SIZES: OpSizes = { rows: 6, dim: 24, heads: 4, kvHeads: 2, headDim: 8, sequence: 5, vocab: 40 };
export const FULL_OP_SIZES: OpSizes = { rows: 512, dim: 896, heads: 14, kvHeads: 2, headDim: 64, sequence: 128, vocab: 151936 };

export function createOpCases(sizes: OpSizes): OpCase[] {
  const { rows: r, dim: d, heads, kvHeads, headDim, sequence: s } = sizes;
  const width = heads * headDim;
  const keyWidth = kvHeads * headDim;
  const vocabRows = 8;
  const ids = Int32Array.from({ length: 2 * s }, (_, t) => (t * 7) % 97);
  const positions = Int32Array.from({ length: s }, (_, t) => t + 2);
  const rowPositions = Int32Array.from({ length: 2 * s }, (_, t) => (t * 3) % 41);
  const targets = Int32Array.from({ length: vocabRows }, (_, row) => (row === 3 ? -1 : (row * 7919) % sizes.vocab));
  const weights = Float32Array.from({ length: vocabRows }, (_, row) => (row % 4) * 0.5);
  const keyMask = Uint8Array.from({ length: 2 * (s + 3) }, (_, index) => (index % 7 === 2 ? 0 : 1));
  const inverseFrequencies = Float64Array.from({ length: headDim / 2 }, (_, i) => (1000000 ** (-(2 * i) / headDim)) / (i < headDim / 4 ? 8 : 1));
  return [
    { name: 'matmul', shapes: [[r, d], [d, 2 * d + 3]], run: ([a, b]) => ops.matmul(a, b) },
    { name: 'matmul batched, both transposed', shapes: [[2, d, r], [2, d + 5, d]], run: ([a, b]) => ops.matmul(a, b, { transposeA: true, transposeB: true }) },
    { name: 'matmul batched × shared weightᵀ', shapes: [[2, r, d], [d + 7, d]], run: ([a, b]) => ops.matmul(a, b, { transposeB: true }) },
    { name: 'add broadcast', shapes: [[r, d], [d]], run: ([a, b]) => ops.add(a, b) },
    { name: 'sub', shapes: [[r, d], [r, d]], run: ([a, b]) => ops.sub(a, b) },
    { name: 'mul broadcast', shapes: [[r, d], [d]], run: ([a, b]) => ops.mul(a, b) },
    { name: 'scale', shapes: [[r, d]], run: ([x]) => ops.scale(x, -1.7) },
    { name: 'neg', shapes: [[r, d]], run: ([x]) => ops.neg(x) },
    { name: 'exp', shapes: [[r, d]], run: ([x]) => ops.exp(x) },
    { name: 'silu', shapes: [[r, d]], run: ([x]) => ops.silu(x) },
    { name: 'minimum', shapes: [[r, d], [r, d]], run: ([a, b]) => ops.minimum(a, b) },
    { name: 'clamp', shapes: [[r, d]], run: ([x]) => ops.clamp(x, -0.8, 0.6) },
    { name: 'swiglu', shapes: [[r, d], [r, d]], run: ([gate, up]) => ops.swiglu(gate, up) },
    { name: 'geglu', shapes: [[r, d], [r, d]], run: ([gate, up]) => ops.geglu(gate, up) },
    { name: 'softCap', shapes: [[r, d]], run: ([x]) => ops.softCap(x, 1.5) },
    { name: 'embedding', shapes: [[97, d]], run: ([weight]) => ops.embedding(weight, ids, [2, s]) },
    { name: 'rmsNorm', shapes: [[r, d], [d]], run: ([x, weight]) => ops.rmsNorm(x, weight, 1e-6) },
    { name: 'rope, shared positions', shapes: [[2, s, width]], run: ([x]) => ops.rope(x, positions, 1000000, headDim) },
    { name: 'rope, per-row positions', shapes: [[2, s, width]], run: ([x]) => ops.rope(x, rowPositions, 10000, headDim) },
    { name: 'scaledRope', shapes: [[2, s, width]], run: ([x]) => ops.scaledRope(x, positions, inverseFrequencies, headDim) },
    { name: 'causalAttention, grouped-query', shapes: [[2, s, width], [2, s, keyWidth], [2, s, keyWidth]], run: ([q, k, v]) => ops.causalAttention(q, k, v, { heads, kvHeads }) },
    {
      name: 'causalAttention, cached keys and padding mask',
      shapes: [[2, s, width], [2, s + 3, keyWidth], [2, s + 3, keyWidth]],
      run: ([q, k, v]) => ops.causalAttention(q, k, v, { heads, kvHeads, mask: keyMask, queryOffset: 3 }),
    },
    {
      name: 'windowedAttention, window and soft cap',
      shapes: [[2, s, width], [2, s, keyWidth], [2, s, keyWidth]],
      run: ([q, k, v]) => ops.windowedAttention(q, k, v, { heads, kvHeads, queryOffset: 0, scale: 1 / Math.sqrt(headDim), window: Math.max(2, s >> 1), softCap: 20 }),
    },
    { name: 'logSoftmaxGather', shapes: [[vocabRows, sizes.vocab]], run: ([logits]) => ops.logSoftmaxGather(logits, targets) },
    { name: 'crossEntropy, weighted mean', shapes: [[vocabRows, sizes.vocab]], run: ([logits]) => ops.crossEntropy(logits, targets, weights) },
    { name: 'crossEntropy, sum', shapes: [[vocabRows, sizes.vocab]], run: ([logits]) => ops.crossEntropy(logits, targets, undefined, { reduction: 'sum' }) },
    { name: 'sum', shapes: [[r, d]], run: ([x]) => ops.sum(x) },
    { name: 'mean', shapes: [[r, d]], run: ([x]) => ops.mean(x) },
    { name: 'reshape', shapes: [[r, d]], run: ([x]) => ops.mul(ops.reshape(x, [2, -1]), ops.reshape(x, [2, (r * d) / 2])) },
    { name: 'transpose', shapes: [[2, s, d]], run: ([x]) => ops.transpose(x, 0, 2) },
    { name: 'concat and narrow', shapes: [[2, s, d], [2, 1, d]], run: ([a, b]) => ops.narrow(ops.concat([a, b], 1), 1, 1, s) },
    { name: 'dropout', shapes: [[r, d]], run: ([x]) => ops.dropout(x, 0.25, new Rng(7)) },
    {
      name: 'clipGradNorm and adamwStep',
      shapes: [[r, d]],
      updatesInPlace: true,
      run: ([parameter]) => {
        backward(ops.sum(ops.mul(parameter, parameter)));
        ops.clipGradNorm([parameter], 0.5);
        const state = ops.createAdamwState([parameter]);
        for (let step = 0; step < 2; step += 1) ops.adamwStep([parameter], state, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
        return parameter;
      },
    },
  ];
}
