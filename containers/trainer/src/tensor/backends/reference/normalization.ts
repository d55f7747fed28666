// Reference RMSNorm and rotate-half rotary position embedding (the Hugging Face Llama convention).
import type { RopeShape } from '../../kernels';

export function rmsNormForward(x: Float32Array, weight: Float32Array, dim: number, eps: number, out: Float32Array, inverseRms: Float32Array): void {
  const rows = x.length / dim;
  for (let r = 0; r < rows; r++) {
    let squares = 0;
    for (let j = 0; j < dim; j++) squares += x[r * dim + j] * x[r * dim + j];
    const inverse = 1 / Math.sqrt(squares / dim + eps);
    inverseRms[r] = inverse;
    for (let j = 0; j < dim; j++) out[r * dim + j] = x[r * dim + j] * inverse * weight[j];
  }
}

export function rmsNormBackward(x: Float32Array, weight: Float32Array, inverseRms: Float32Array, gradOut: Float32Array, dim: number, gradX: Float32Array, gradWeight: Float32Array | null): void {
  const rows = x.length / dim;
  for (let r = 0; r < rows; r++) {
    const inverse = inverseRms[r];
    // d/dx_i of x_i·w_i·s with s = (mean(x²)+eps)^(-1/2): w_i·g_i·s − x_i·s³/dim·Σ_j g_j·w_j·x_j
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += gradOut[r * dim + j] * weight[j] * x[r * dim + j];
    const correction = (dot * inverse * inverse * inverse) / dim;
    for (let j = 0; j < dim; j++) {
      const index = r * dim + j;
      gradX[index] += gradOut[index] * weight[j] * inverse - x[index] * correction;
      if (gradWeight) gradWeight[j] += gradOut[index] * x[index] * inverse;
    }
  }
}

export function rope(x: Float32Array, out: Float32Array, shape: RopeShape, direction: 1 | -1, accumulate: boolean): void {
  const { batch, sequenceLength, heads, headDim, theta, positions } = shape;
  const half = headDim / 2;
  const perRow = positions.length === batch * sequenceLength;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < sequenceLength; t++) {
      const position = positions[perRow ? b * sequenceLength + t : t];
      for (let i = 0; i < half; i++) {
        const angle = position * Math.pow(theta, (-2 * i) / headDim);
        const cos = Math.cos(angle);
        const sin = direction * Math.sin(angle);
        for (let h = 0; h < heads; h++) {
          const base = ((b * sequenceLength + t) * heads + h) * headDim;
          const first = x[base + i];
          const second = x[base + i + half];
          const rotatedFirst = first * cos - second * sin;
          const rotatedSecond = second * cos + first * sin;
          if (accumulate) {
            out[base + i] += rotatedFirst;
            out[base + i + half] += rotatedSecond;
          } else {
            out[base + i] = rotatedFirst;
            out[base + i + half] = rotatedSecond;
          }
        }
      }
    }
  }
}
