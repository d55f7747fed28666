// Rotary position embedding over an explicit inverse-frequency table (linear and llama3 scaling), rotate-half convention.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { deviceOf, type Buffer, type Device } from '../device';
import type { KernelBackend } from '../kernels';
import { familyKernelsFor } from './kernels-for';

interface AngleTables {
  frequencies: Float64Array;
  batch: number;
  device: Device;
  cos: Buffer;
  sin: Buffer;
}

/**
 * The last device tables made per positions array: every layer rotates q and k with the same positions and frequencies,
 * so a device receives the tables once per forward instead of twice per layer (the host computes them per call). Kept
 * persistent, they outlive device scopes; like every integer input a device receives, the array must not change.
 */
const cachedTables = new WeakMap<Int32Array, AngleTables>();

function tablesOf(kernels: KernelBackend<Buffer>, device: Device, positions: Int32Array, inverseFrequencies: Float64Array, batch: number, sequenceLength: number): AngleTables {
  const cached = cachedTables.get(positions);
  if (cached && cached.frequencies === inverseFrequencies && cached.batch === batch && cached.device === device) return cached;
  const half = inverseFrequencies.length;
  const perRow = positions.length === batch * sequenceLength;
  const rows = batch * sequenceLength;
  const cos = new Float32Array(rows * half);
  const sin = new Float32Array(rows * half);
  for (let row = 0; row < rows; row += 1) {
    const position = positions[perRow ? row : row % sequenceLength];
    for (let index = 0; index < half; index += 1) {
      // float32 angle, as transformers multiplies its float32 frequencies by float32 positions.
      const angle = Math.fround(position * inverseFrequencies[index]);
      cos[row * half + index] = Math.cos(angle);
      sin[row * half + index] = Math.sin(angle);
    }
  }
  const place = (values: Float32Array): Buffer => {
    if (device === 'cpu') return values;
    const target = kernels.allocate(values.length, 'persistent');
    kernels.copyBlocks({ source: kernels.upload(values), sourceOffset: 0, sourceStride: 0, target, targetOffset: 0, targetStride: 0, blockLength: values.length, blocks: 1, accumulate: false });
    return target;
  };
  const tables = { frequencies: inverseFrequencies, batch, device, cos: place(cos), sin: place(sin) };
  if (device !== 'cpu') cachedTables.set(positions, tables);
  return tables;
}

/**
 * x is [batch, sequence, heads·headDim]; positions has one entry per step (shared by the batch) or one per
 * (batch, step); inverseFrequencies has headDim/2 entries. Angles are position·frequency, as transformers takes them.
 */
export function scaledRope(x: Tensor, positions: Int32Array, inverseFrequencies: Float64Array, headDim: number): Tensor {
  if (x.rank !== 3) throw new Error(`scaledRope: expected x of rank 3, received ${formatShape(x.shape)}`);
  const [batch, sequenceLength, width] = x.shape;
  const half = headDim / 2;
  if (inverseFrequencies.length !== half || width % headDim !== 0) {
    throw new Error(`scaledRope: expected ${half} frequencies and a width divisible by ${headDim}, received ${inverseFrequencies.length} and ${width}`);
  }
  if (positions.length !== batch * sequenceLength && positions.length !== sequenceLength) throw new Error(`scaledRope: expected ${sequenceLength} positions (or ${batch * sequenceLength}), received ${positions.length}`);
  const kernels = familyKernelsFor('scaledRope', ['rotateByTable'], x);
  const { cos, sin } = tablesOf(kernels, deviceOf(x.buffer), positions, inverseFrequencies, batch, sequenceLength);
  const shape = { rows: batch * sequenceLength, heads: width / headDim, headDim };
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'scaledRope' });
  kernels.rotateByTable(x.buffer, out.buffer, cos, sin, shape, 1, false);
  if (!needsGrad(x)) return out;
  // The rotation is orthogonal: its backward is the inverse rotation of the output gradient.
  return record(out, [x], () => kernels.rotateByTable(out.gradBuffer!, x.ensureGradBuffer(), cos, sin, shape, -1, true));
}
