// Host kernels for the family-specific elementwise ops: min/clamp, soft cap, tanh-GELU gate, and rotation by angle tables.
import type { RotationShape } from '../../family-kernels';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

export function minimumForward(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] <= b[i] ? a[i] : b[i];
}

export function minimumBackward(a: Float32Array, b: Float32Array, gradOut: Float32Array, gradA: Float32Array | null, gradB: Float32Array | null): void {
  for (let i = 0; i < a.length; i++) {
    if (a[i] <= b[i]) {
      if (gradA) gradA[i] += gradOut[i];
    } else if (gradB) gradB[i] += gradOut[i];
  }
}

export function clampForward(x: Float32Array, low: number, high: number, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.min(high, Math.max(low, x[i]));
}

export function clampBackward(x: Float32Array, low: number, high: number, gradOut: Float32Array, gradX: Float32Array): void {
  for (let i = 0; i < x.length; i++) if (x[i] >= low && x[i] <= high) gradX[i] += gradOut[i];
}

export function softCapForward(x: Float32Array, cap: number, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i] / cap) * cap;
}

export function softCapBackward(out: Float32Array, cap: number, gradOut: Float32Array, gradX: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const squashed = out[i] / cap;
    gradX[i] += gradOut[i] * (1 - squashed * squashed);
  }
}

function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + CUBIC * x * x * x)));
}

export function gegluForward(gate: Float32Array, up: Float32Array, out: Float32Array): void {
  for (let i = 0; i < gate.length; i++) out[i] = Math.fround(geluTanh(gate[i])) * up[i];
}

export function gegluBackward(gate: Float32Array, up: Float32Array, gradOut: Float32Array, gradGate: Float32Array | null, gradUp: Float32Array | null): void {
  for (let i = 0; i < gate.length; i++) {
    const x = gate[i];
    if (gradUp) gradUp[i] += gradOut[i] * Math.fround(geluTanh(x));
    if (!gradGate) continue;
    const t = Math.tanh(SQRT_2_OVER_PI * (x + CUBIC * x * x * x));
    const derivative = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * CUBIC * x * x);
    gradGate[i] += gradOut[i] * up[i] * derivative;
  }
}

export function rotateByTable(x: Float32Array, out: Float32Array, cos: Float32Array, sin: Float32Array, shape: RotationShape, direction: 1 | -1, accumulate: boolean): void {
  const { batch, sequenceLength, heads, headDim, positions } = shape;
  const half = headDim / 2;
  const perRow = positions.length === batch * sequenceLength;
  for (let row = 0; row < batch * sequenceLength; row += 1) {
    const angles = positions[perRow ? row : row % sequenceLength] * half;
    for (let head = 0; head < heads; head += 1) {
      const base = (row * heads + head) * headDim;
      for (let index = 0; index < half; index += 1) {
        const c = cos[angles + index];
        const s = direction * sin[angles + index];
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
