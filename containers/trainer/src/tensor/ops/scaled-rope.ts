// Rotary position embedding over an explicit inverse-frequency table (linear and llama3 scaling), rotate-half convention.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';

function rotate(x: Float32Array, out: Float32Array, cos: Float64Array, sin: Float64Array, rows: number, heads: number, headDim: number, direction: 1 | -1, accumulate: boolean): void {
  const half = headDim / 2;
  for (let row = 0; row < rows; row += 1) {
    for (let head = 0; head < heads; head += 1) {
      const base = (row * heads + head) * headDim;
      for (let index = 0; index < half; index += 1) {
        const c = cos[row * half + index];
        const s = direction * sin[row * half + index];
        const first = x[base + index];
        const second = x[base + index + half];
        const rotatedFirst = first * c - second * s;
        const rotatedSecond = second * c + first * s;
        if (accumulate) {
          out[base + index] += rotatedFirst;
          out[base + index + half] += rotatedSecond;
        } else {
          out[base + index] = rotatedFirst;
          out[base + index + half] = rotatedSecond;
        }
      }
    }
  }
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
  const perRow = positions.length === batch * sequenceLength;
  if (!perRow && positions.length !== sequenceLength) throw new Error(`scaledRope: expected ${sequenceLength} positions (or ${batch * sequenceLength}), received ${positions.length}`);
  const rows = batch * sequenceLength;
  const cos = new Float64Array(rows * half);
  const sin = new Float64Array(rows * half);
  for (let row = 0; row < rows; row += 1) {
    const position = positions[perRow ? row : row % sequenceLength];
    for (let index = 0; index < half; index += 1) {
      // float32 angle, as transformers multiplies its float32 frequencies by float32 positions.
      const angle = Math.fround(position * inverseFrequencies[index]);
      cos[row * half + index] = Math.cos(angle);
      sin[row * half + index] = Math.sin(angle);
    }
  }
  const heads = width / headDim;
  const out = new Tensor(new Float32Array(x.size), x.shape, { op: 'scaledRope' });
  rotate(x.data, out.data, cos, sin, rows, heads, headDim, 1, false);
  if (!needsGrad(x)) return out;
  // The rotation is orthogonal: its backward is the inverse rotation of the output gradient.
  return record(out, [x], () => rotate(out.grad!, x.ensureGrad(), cos, sin, rows, heads, headDim, -1, true));
}
