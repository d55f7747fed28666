// Embedding lookup: gathers rows of a [vocab, dim] table; the backward scatters gradients back into the table.
import { Tensor, formatShape, sizeOf } from '../tensor';
import { needsGrad, record } from '../autograd';
import { kernelsFor } from './kernels-for';

/** Rows of `weight` for `ids`, shaped [...shape, dim] (shape defaults to [ids.length]). */
export function embedding(weight: Tensor, ids: Int32Array, shape: readonly number[] = [ids.length]): Tensor {
  if (weight.rank !== 2) throw new Error(`embedding: expected a [vocab, dim] weight, received ${formatShape(weight.shape)}`);
  if (sizeOf(shape) !== ids.length) throw new Error(`embedding: ${ids.length} ids do not fill shape ${formatShape(shape)}`);
  const [vocab, dim] = weight.shape;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= vocab) throw new Error(`embedding: token id ${ids[i]} at position ${i} is outside the vocabulary [0, ${vocab})`);
  }
  const kernels = kernelsFor('embedding', weight);
  const out = new Tensor(kernels.allocate(ids.length * dim), [...shape, dim], { op: 'embedding' });
  kernels.embeddingForward(weight.buffer, ids, dim, out.buffer);
  if (!needsGrad(weight)) return out;
  return record(out, [weight], () => kernels.embeddingBackward(ids, out.gradBuffer!, dim, weight.ensureGradBuffer()));
}
