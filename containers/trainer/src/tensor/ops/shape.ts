// Shape ops: reshape (a view sharing data), transpose of two axes, and concat/narrow along an axis (KV caches, fused projections).
import { Tensor, formatShape, sizeOf } from '../tensor';
import { needsGrad, record } from '../autograd';
import { getBackend } from '../backend';

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const inferred = shape.indexOf(-1);
  const resolved = [...shape];
  if (inferred >= 0) resolved[inferred] = x.size / sizeOf(shape.filter((_, index) => index !== inferred));
  if (sizeOf(resolved) !== x.size) throw new Error(`reshape: cannot view ${formatShape(x.shape)} (${x.size} elements) as ${formatShape(shape)}`);
  const out = new Tensor(x.data, resolved, { op: 'reshape' });
  if (!needsGrad(x)) return out;
  return record(out, [x], () => getBackend().axpy(1, out.grad!, x.ensureGrad()));
}

function normalizeAxis(axis: number, rank: number, opName: string): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank) throw new Error(`${opName}: axis ${axis} is out of range for rank ${rank}`);
  return resolved;
}

/** Copies x with axes a and b swapped. */
export function transpose(x: Tensor, axisA: number, axisB: number): Tensor {
  const a = normalizeAxis(axisA, x.rank, 'transpose');
  const b = normalizeAxis(axisB, x.rank, 'transpose');
  const shape = [...x.shape];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  const inputStrides = stridesOf(x.shape);
  const permutedStrides = [...inputStrides];
  [permutedStrides[a], permutedStrides[b]] = [permutedStrides[b], permutedStrides[a]];
  const gather = new Int32Array(x.size);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < x.size; flat++) {
    let source = 0;
    for (let d = 0; d < shape.length; d++) source += index[d] * permutedStrides[d];
    gather[flat] = source;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  const out = new Tensor(new Float32Array(x.size), shape, { op: 'transpose' });
  for (let i = 0; i < x.size; i++) out.data[i] = x.data[gather[i]];
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    const gradOut = out.grad!;
    const gradX = x.ensureGrad();
    for (let i = 0; i < x.size; i++) gradX[gather[i]] += gradOut[i];
  });
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
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
  const outer = sizeOf(first.shape.slice(0, resolved));
  const inner = sizeOf(first.shape.slice(resolved + 1));
  const total = tensors.reduce((count, tensor) => count + tensor.shape[resolved], 0);
  const shape = [...first.shape];
  shape[resolved] = total;
  const out = new Tensor(new Float32Array(sizeOf(shape)), shape, { op: 'concat' });
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    offsets.push(offset);
    const block = tensor.shape[resolved] * inner;
    for (let o = 0; o < outer; o++) out.data.set(tensor.data.subarray(o * block, (o + 1) * block), o * total * inner + offset * inner);
    offset += tensor.shape[resolved];
  }
  if (!needsGrad(...tensors)) return out;
  return record(out, tensors, () => {
    const gradOut = out.grad!;
    tensors.forEach((tensor, t) => {
      if (!tensor.requiresGrad) return;
      const block = tensor.shape[resolved] * inner;
      const view = new Float32Array(tensor.size);
      for (let o = 0; o < outer; o++) view.set(gradOut.subarray(o * total * inner + offsets[t] * inner, o * total * inner + offsets[t] * inner + block), o * block);
      getBackend().axpy(1, view, tensor.ensureGrad());
    });
  });
}

/** The slice [start, start + length) of x along `axis` (a copy). */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const resolved = normalizeAxis(axis, x.rank, 'narrow');
  if (start < 0 || length < 0 || start + length > x.shape[resolved]) throw new Error(`narrow: [${start}, ${start + length}) is outside axis ${axis} of ${formatShape(x.shape)}`);
  const outer = sizeOf(x.shape.slice(0, resolved));
  const inner = sizeOf(x.shape.slice(resolved + 1));
  const full = x.shape[resolved] * inner;
  const shape = [...x.shape];
  shape[resolved] = length;
  const out = new Tensor(new Float32Array(sizeOf(shape)), shape, { op: 'narrow' });
  const block = length * inner;
  for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * full + start * inner, o * full + start * inner + block), o * block);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    const gradOut = out.grad!;
    const gradX = x.ensureGrad();
    for (let o = 0; o < outer; o++) {
      getBackend().axpy(1, gradOut.subarray(o * block, (o + 1) * block), gradX.subarray(o * full + start * inner, o * full + start * inner + block));
    }
  });
}
