// Rotary position embedding, rotate-half convention (Hugging Face Llama): pairs (i, i + headDim/2) within each head.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import type { RopeShape } from '../kernels';
import { kernelsFor } from './kernels-for';

/**
 * x is [batch, sequence, heads·headDim] or [batch, sequence, heads, headDim]; positions has one entry per
 * sequence step (shared by the batch) or one per (batch, step).
 */
export function rope(x: Tensor, positions: Int32Array, theta: number, headDim: number): Tensor {
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`rope: expected x of rank 3 or 4, received ${formatShape(x.shape)}`);
  if (headDim % 2 !== 0) throw new Error(`rope: headDim must be even, received ${headDim}`);
  const [batch, sequenceLength] = x.shape;
  const width = x.size / (batch * sequenceLength);
  if (width % headDim !== 0) throw new Error(`rope: last dimensions of ${formatShape(x.shape)} are not a multiple of headDim ${headDim}`);
  if (positions.length !== sequenceLength && positions.length !== batch * sequenceLength) {
    throw new Error(`rope: expected ${sequenceLength} positions (or ${batch * sequenceLength}, one per row), received ${positions.length}`);
  }
  const shape: RopeShape = { batch, sequenceLength, heads: width / headDim, headDim, theta, positions };
  const kernels = kernelsFor('rope', x);
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'rope' });
  kernels.rope(x.buffer, out.buffer, shape, 1, false);
  if (!needsGrad(x)) return out;
  // The rotation is orthogonal, so its backward is the inverse rotation of the output gradient.
  return record(out, [x], () => kernels.rope(out.gradBuffer!, x.ensureGradBuffer(), shape, -1, true));
}
