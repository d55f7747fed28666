// Rotary position embedding over an explicit inverse-frequency table (linear and llama3 scaling), rotate-half convention.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import type { Buffer, Device } from '../device';
import type { KernelBackend } from '../kernels';
import { familyKernelsFor } from './kernels-for';

interface AngleTables {
  /** Positions covered: rows [0, positionCount) of cos and sin. */
  positionCount: number;
  cos: Buffer;
  sin: Buffer;
}

/**
 * cos and sin of every position's angles, per frequency table and device. They depend only on the model's constant
 * frequencies, so a device receives them once (and again only when a longer sequence needs more rows); each call then
 * sends just its positions, as the theta RoPE kernel does. Kept persistent, they outlive device scopes.
 */
const cachedTables = new WeakMap<Float64Array, Map<Device, AngleTables>>();

function computeTables(inverseFrequencies: Float64Array, positionCount: number): { cos: Float32Array; sin: Float32Array } {
  const half = inverseFrequencies.length;
  const cos = new Float32Array(positionCount * half);
  const sin = new Float32Array(positionCount * half);
  for (let position = 0; position < positionCount; position += 1) {
    for (let index = 0; index < half; index += 1) {
      // float32 angle, as transformers multiplies its float32 frequencies by float32 positions.
      const angle = Math.fround(position * inverseFrequencies[index]);
      cos[position * half + index] = Math.cos(angle);
      sin[position * half + index] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

function tablesFor(kernels: KernelBackend<Buffer>, device: Device, inverseFrequencies: Float64Array, positions: Int32Array): AngleTables {
  let largest = 0;
  for (const position of positions) {
    if (position < 0) throw new Error(`scaledRope: expected non-negative positions, received ${position}`);
    largest = Math.max(largest, position);
  }
  let perDevice = cachedTables.get(inverseFrequencies);
  if (!perDevice) cachedTables.set(inverseFrequencies, (perDevice = new Map()));
  const cached = perDevice.get(device);
  if (cached && largest < cached.positionCount) return cached;
  // Doubling keeps generation, one position longer each step, from rebuilding the tables every step.
  const positionCount = Math.max(largest + 1, 2 * (cached?.positionCount ?? 0), 64);
  const { cos, sin } = computeTables(inverseFrequencies, positionCount);
  const place = (values: Float32Array): Buffer => {
    if (device === 'cpu') return values;
    const target = kernels.allocate(values.length, 'persistent');
    kernels.copyBlocks({ source: kernels.upload(values), sourceOffset: 0, sourceStride: 0, target, targetOffset: 0, targetStride: 0, blockLength: values.length, blocks: 1, accumulate: false });
    return target;
  };
  const tables = { positionCount, cos: place(cos), sin: place(sin) };
  perDevice.set(device, tables);
  return tables;
}

/**
 * x is [batch, sequence, heads·headDim]; positions has one entry per step (shared by the batch) or one per
 * (batch, step); inverseFrequencies has headDim/2 entries and must not change after first use (its tables are kept).
 * Angles are position·frequency, as transformers takes them.
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
  const { cos, sin } = tablesFor(kernels, x.device, inverseFrequencies, positions);
  const shape = { batch, sequenceLength, heads: width / headDim, headDim, positions };
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'scaledRope' });
  kernels.rotateByTable(x.buffer, out.buffer, cos, sin, shape, 1, false);
  if (!needsGrad(x)) return out;
  // The rotation is orthogonal: its backward is the inverse rotation of the output gradient.
  return record(out, [x], () => kernels.rotateByTable(out.gradBuffer!, x.ensureGradBuffer(), cos, sin, shape, -1, true));
}
