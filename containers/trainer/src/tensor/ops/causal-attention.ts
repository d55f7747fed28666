// Causal grouped-query attention over [batch, length, heads·headDim] projections, with an optional key-padding mask and KV-cache offset.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import type { AttentionShape } from '../kernels';
import { kernelsFor } from './kernels-for';

export interface CausalAttentionOptions {
  heads: number;
  kvHeads: number;
  /** [batch, keyLength] with 0 for keys to ignore (left padding in batched generation). */
  mask?: Uint8Array;
  /**
   * Position of the first query among the keys. Defaults to keyLength − queryLength, which is the KV-cache case:
   * k and v hold the cached positions followed by the new ones, and each new query sees everything up to itself.
   */
  queryOffset?: number;
  /** Softmax temperature on the scores; defaults to 1/sqrt(headDim). */
  scale?: number;
}

export function causalAttention(q: Tensor, k: Tensor, v: Tensor, options: CausalAttentionOptions): Tensor {
  const { heads, kvHeads } = options;
  const describe = `causalAttention(q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)})`;
  if (q.rank !== 3 || k.rank !== 3 || v.rank !== 3) throw new Error(`${describe}: expected rank-3 [batch, length, heads·headDim] inputs`);
  if (heads % kvHeads !== 0) throw new Error(`${describe}: heads ${heads} is not a multiple of kvHeads ${kvHeads}`);
  const [batch, queryLength, queryWidth] = q.shape;
  const [keyBatch, keyLength, keyWidth] = k.shape;
  if (queryWidth % heads !== 0) throw new Error(`${describe}: width ${queryWidth} is not divisible by ${heads} heads`);
  const headDim = queryWidth / heads;
  if (keyBatch !== batch || keyWidth !== kvHeads * headDim) throw new Error(`${describe}: expected k of shape [${batch}, keyLength, ${kvHeads * headDim}]`);
  if (v.shape.join(',') !== k.shape.join(',')) throw new Error(`${describe}: expected v shaped like k`);
  const queryOffset = options.queryOffset ?? keyLength - queryLength;
  if (queryOffset < 0 || queryOffset + queryLength > keyLength) throw new Error(`${describe}: queryOffset ${queryOffset} places queries outside the ${keyLength} keys`);
  if (options.mask && options.mask.length !== batch * keyLength) throw new Error(`${describe}: mask has ${options.mask.length} entries, expected ${batch * keyLength}`);
  const shape: AttentionShape = { batch, queryLength, keyLength, heads, kvHeads, headDim, queryOffset, scale: options.scale ?? 1 / Math.sqrt(headDim), keyMask: options.mask ?? null };
  const kernels = kernelsFor('causalAttention', q, k, v);
  const out = new Tensor(kernels.allocate(q.size), q.shape, { op: 'causalAttention' });
  const probabilities = kernels.allocate(batch * heads * queryLength * keyLength);
  kernels.attentionForward(q.buffer, k.buffer, v.buffer, shape, out.buffer, probabilities);
  if (!needsGrad(q, k, v)) return out;
  return record(out, [q, k, v], () => {
    kernels.attentionBackward(q.buffer, k.buffer, v.buffer, probabilities, out.gradBuffer!, shape, q.requiresGrad ? q.ensureGradBuffer() : null, k.requiresGrad ? k.ensureGradBuffer() : null, v.requiresGrad ? v.ensureGradBuffer() : null);
  });
}
