// Buffer management for the CPU backends: buffers are Float32Arrays, views are subarrays, and crossing to the host is free.
import type { BufferKernels, CopyBlocksArgs, SamplingArgs } from '../kernels';
import { chooseToken } from '../../generate/sample-token';

function productOf(dimensions: readonly number[]): number {
  return dimensions.reduce((product, dimension) => product * dimension, 1);
}

/**
 * target (+)= source with axes a and b swapped, as contiguous runs: the source viewed as [outer, A, middle, B, inner]
 * becomes [outer, B, middle, A, inner], so each run of `inner` values is copied whole.
 */
export function permuteOnHost(source: Float32Array, shape: readonly number[], axisA: number, axisB: number, target: Float32Array, accumulate: boolean): void {
  const [first, second] = axisA <= axisB ? [axisA, axisB] : [axisB, axisA];
  const outer = productOf(shape.slice(0, first));
  const lengthA = first === second ? 1 : shape[first];
  const middle = first === second ? shape[first] : productOf(shape.slice(first + 1, second));
  const lengthB = first === second ? 1 : shape[second];
  const inner = productOf(shape.slice(second + 1));
  let to = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < lengthB; j++) {
      for (let m = 0; m < middle; m++) {
        for (let i = 0; i < lengthA; i++) {
          const from = (((o * lengthA + i) * middle + m) * lengthB + j) * inner;
          if (accumulate) for (let k = 0; k < inner; k++) target[to + k] += source[from + k];
          else if (inner === 1) target[to] = source[from];
          else target.set(source.subarray(from, from + inner), to);
          to += inner;
        }
      }
    }
  }
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
  permute: permuteOnHost,
  sumSquaresInto: (x, out) => {
    let total = 0;
    for (let i = 0; i < x.length; i++) total += x[i] * x[i];
    out[0] += total;
  },
  upload: (values) => values,
  download: (buffer) => buffer,
  sampleTokens: sampleTokensOnHost,
};
