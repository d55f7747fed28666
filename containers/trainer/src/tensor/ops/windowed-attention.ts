// Causal grouped-query attention with a sliding window and soft-capped scores (Mistral, Gemma 2).
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import type { WindowedAttentionShape } from '../family-kernels';
import { familyKernelsFor } from './kernels-for';

export interface WindowedAttentionOptions {
  heads: number;
  kvHeads: number;
  /** Position of query row 0 among the keys (the number of cached positions before it). */
  queryOffset: number;
  scale: number;
  /** Keys a query sees behind it, itself included (key j visible from position p when p − window < j ≤ p); null: all. */
  window: number | null;
  /** Scores become cap·tanh(score/cap) before the softmax; null: uncapped. */
  softCap: number | null;
  /** [batch, keyLength] with 0 for keys to ignore (left padding). */
  mask?: Uint8Array;
}

export function windowedAttention(q: Tensor, k: Tensor, v: Tensor, options: WindowedAttentionOptions): Tensor {
  const { heads, kvHeads } = options;
  const [batch, queryLength, queryWidth] = q.shape;
  const keyLength = k.shape[1];
  const headDim = queryWidth / heads;
  if (q.rank !== 3 || k.rank !== 3 || k.shape[0] !== batch || k.shape[2] !== kvHeads * headDim || v.shape.join(',') !== k.shape.join(',') || heads % kvHeads !== 0) {
    throw new Error(`windowedAttention(q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}): expected [batch, length, heads·headDim] with ${heads} query and ${kvHeads} key-value heads`);
  }
  if (options.queryOffset < 0 || options.queryOffset + queryLength > keyLength) throw new Error(`windowedAttention: queryOffset ${options.queryOffset} places queries outside the ${keyLength} keys`);
  const shape: WindowedAttentionShape = { batch, queryLength, keyLength, heads, kvHeads, headDim, queryOffset: options.queryOffset, scale: options.scale, window: options.window, softCap: options.softCap, keyMask: options.mask ?? null };
  const kernels = familyKernelsFor('windowedAttention', ['windowedAttentionForward', 'windowedAttentionBackward'], q, k, v);
  const probabilities = kernels.allocate(batch * heads * queryLength * keyLength);
  // Derivative of the cap at each score (1 − tanh²), kept for the backward.
  const capSlopes = options.softCap === null ? null : kernels.allocate(probabilities.length);
  const out = new Tensor(kernels.allocate(q.size), q.shape, { op: 'windowedAttention' });
  kernels.windowedAttentionForward(q.buffer, k.buffer, v.buffer, shape, out.buffer, probabilities, capSlopes);
  if (!needsGrad(q, k, v)) return out;
  return record(out, [q, k, v], () => {
    const gradQ = q.requiresGrad ? q.ensureGradBuffer() : null;
    const gradK = k.requiresGrad ? k.ensureGradBuffer() : null;
    const gradV = v.requiresGrad ? v.ensureGradBuffer() : null;
    kernels.windowedAttentionBackward(q.buffer, k.buffer, v.buffer, probabilities, capSlopes, out.gradBuffer!, shape, gradQ, gradK, gradV);
  });
}
