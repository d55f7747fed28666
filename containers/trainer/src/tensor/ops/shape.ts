// Shape ops: reshape (a view sharing data), transpose of two axes, and concat/narrow along an axis (KV caches, fused projections).
import { Tensor, formatShape, sizeOf } from '../tensor';
import { needsGrad, record } from '../autograd';
import { kernelsFor } from './kernels-for';

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const inferred = shape.indexOf(-1);
  const resolved = [...shape];
  if (inferred >= 0) resolved[inferred] = x.size / sizeOf(shape.filter((_, index) => index !== inferred));
  if (sizeOf(resolved) !== x.size) throw new Error(`reshape: cannot view ${formatShape(x.shape)} (${x.size} elements) as ${formatShape(shape)}`);
  const out = new Tensor(x.buffer, resolved, { op: 'reshape' });
  if (!needsGrad(x)) return out;
  const kernels = kernelsFor('reshape', x);
  return record(out, [x], () => kernels.axpy(1, out.gradBuffer!, x.ensureGradBuffer()));
}

function normalizeAxis(axis: number, rank: number, opName: string): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank) throw new Error(`${opName}: axis ${axis} is out of range for rank ${rank}`);
  return resolved;
}

/** Copies x with axes a and b swapped; swapping them back is the backward. */
export function transpose(x: Tensor, axisA: number, axisB: number): Tensor {
  const a = normalizeAxis(axisA, x.rank, 'transpose');
  const b = normalizeAxis(axisB, x.rank, 'transpose');
  const shape = [...x.shape];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  const kernels = kernelsFor('transpose', x);
  const out = new Tensor(kernels.allocate(x.size), shape, { op: 'transpose' });
  kernels.permute(x.buffer, x.shape, a, b, out.buffer, false);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => kernels.permute(out.gradBuffer!, shape, a, b, x.ensureGradBuffer(), true));
}

/** Joins tensors along `axis`; all other dimensions must match. */
export function concat(tensors: Tensor[], axis: number): Tensor {
  if (tensors.length === 0) throw new Error('concat: expected at least one tensor');
  const first = tensors[0];
  const resolved = normalizeAxis(axis, first.rank, 'concat');
  for (const tensor of tensors) {
    const same = tensor.rank === first.rank && tensor.shape.every((dimension, d) => d === resolved || dimension === first.shape[d]);
    if (!same) throw new Error(`concat: shapes ${tensors.map((t) => formatShape(t.shape)).join(', ')} differ outside axis ${axis}`);
  }
  const kernels = kernelsFor('concat', ...tensors);
  const outer = sizeOf(first.shape.slice(0, resolved));
  const inner = sizeOf(first.shape.slice(resolved + 1));
  const total = tensors.reduce((count, tensor) => count + tensor.shape[resolved], 0);
  const shape = [...first.shape];
  shape[resolved] = total;
  const out = new Tensor(kernels.allocate(sizeOf(shape)), shape, { op: 'concat' });
  // Each input is `outer` blocks of its own width, placed at its offset within every row of the result.
  const rowLength = total * inner;
  const offsets: number[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    offsets.push(offset * inner);
    const block = tensor.shape[resolved] * inner;
    kernels.copyBlocks({ blockLength: block, blocks: outer, source: tensor.buffer, sourceOffset: 0, sourceStride: block, target: out.buffer, targetOffset: offset * inner, targetStride: rowLength, accumulate: false });
    offset += tensor.shape[resolved];
  }
  if (!needsGrad(...tensors)) return out;
  return record(out, tensors, () => {
    tensors.forEach((tensor, t) => {
      if (!tensor.requiresGrad) return;
      const block = tensor.shape[resolved] * inner;
      kernels.copyBlocks({ blockLength: block, blocks: outer, source: out.gradBuffer!, sourceOffset: offsets[t], sourceStride: rowLength, target: tensor.ensureGradBuffer(), targetOffset: 0, targetStride: block, accumulate: true });
    });
  });
}

/** The slice [start, start + length) of x along `axis` (a copy). */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const resolved = normalizeAxis(axis, x.rank, 'narrow');
  if (start < 0 || length < 0 || start + length > x.shape[resolved]) throw new Error(`narrow: [${start}, ${start + length}) is outside axis ${axis} of ${formatShape(x.shape)}`);
  const kernels = kernelsFor('narrow', x);
  const outer = sizeOf(x.shape.slice(0, resolved));
  const inner = sizeOf(x.shape.slice(resolved + 1));
  const full = x.shape[resolved] * inner;
  const shape = [...x.shape];
  shape[resolved] = length;
  const out = new Tensor(kernels.allocate(sizeOf(shape)), shape, { op: 'narrow' });
  const block = length * inner;
  const layout = { blockLength: block, blocks: outer };
  kernels.copyBlocks({ ...layout, source: x.buffer, sourceOffset: start * inner, sourceStride: full, target: out.buffer, targetOffset: 0, targetStride: block, accumulate: false });
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    kernels.copyBlocks({ ...layout, source: out.gradBuffer!, sourceOffset: 0, sourceStride: block, target: x.ensureGradBuffer(), targetOffset: start * inner, targetStride: full, accumulate: true });
  });
}
