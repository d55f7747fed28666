// Buffer management for the CPU backends: buffers are Float32Arrays, views are subarrays, and crossing to the host is free.
import type { BufferKernels, CopyBlocksArgs, SamplingArgs } from '../kernels';
import { chooseToken } from '../../generate/sample-token';

/** For each flat index of the transposed result, the flat index it reads in the source. */
export function permutationOf(shape: readonly number[], axisA: number, axisB: number): Int32Array {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const permutedShape = [...shape];
  [permutedShape[axisA], permutedShape[axisB]] = [permutedShape[axisB], permutedShape[axisA]];
  const permutedStrides = [...strides];
  [permutedStrides[axisA], permutedStrides[axisB]] = [permutedStrides[axisB], permutedStrides[axisA]];
  let size = 1;
  for (const dimension of shape) size *= dimension;
  const gather = new Int32Array(size);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let source = 0;
    for (let d = 0; d < shape.length; d++) source += index[d] * permutedStrides[d];
    gather[flat] = source;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < permutedShape[d]) break;
      index[d] = 0;
    }
  }
  return gather;
}

export function copyBlocksOnHost(args: CopyBlocksArgs): void {
  const { source, target, blockLength } = args;
  for (let block = 0; block < args.blocks; block++) {
    const from = args.sourceOffset + block * args.sourceStride;
    const to = args.targetOffset + block * args.targetStride;
    if (args.accumulate) for (let j = 0; j < blockLength; j++) target[to + j] += source[from + j];
    else target.set(source.subarray(from, from + blockLength), to);
  }
}

export function sampleTokensOnHost(logits: Float32Array, args: SamplingArgs): Int32Array {
  const ids = new Int32Array(args.rows);
  for (let row = 0; row < args.rows; row++) {
    const values = logits.subarray(row * args.vocab, (row + 1) * args.vocab);
    ids[row] = chooseToken(values, { temperature: args.temperatures[row], topP: args.topPs[row] }, args.draws[row]);
  }
  return ids;
}

export const hostBufferKernels: BufferKernels<Float32Array> = {
  allocate: (length) => new Float32Array(length),
  view: (buffer, offset, length) => buffer.subarray(offset, offset + length),
  fill: (buffer, value) => {
    buffer.fill(value);
  },
  copyBlocks: copyBlocksOnHost,
  permute: (source, shape, axisA, axisB, target, accumulate) => {
    const gather = permutationOf(shape, axisA, axisB);
    if (accumulate) for (let i = 0; i < gather.length; i++) target[i] += source[gather[i]];
    else for (let i = 0; i < gather.length; i++) target[i] = source[gather[i]];
  },
  sumSquaresInto: (x, out) => {
    let total = 0;
    for (let i = 0; i < x.length; i++) total += x[i] * x[i];
    out[0] += total;
  },
  upload: (values) => values,
  download: (buffer) => buffer,
  sampleTokens: sampleTokensOnHost,
};
