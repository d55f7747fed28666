// Reference elementwise kernels, reductions, embedding gather/scatter and the fused AdamW update.
import type { AdamwArgs } from '../../kernels';

export function addBroadcast(a: Float32Array, b: Float32Array, out: Float32Array): void {
  const period = b.length;
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i % period];
}

export function mulBroadcast(a: Float32Array, b: Float32Array, out: Float32Array): void {
  const period = b.length;
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i % period];
}

export function axpy(alpha: number, x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

export function sumRowsInto(alpha: number, x: Float32Array, out: Float32Array): void {
  const period = out.length;
  for (let i = 0; i < x.length; i++) out[i % period] += alpha * x[i];
}

export function mulAccumulate(x: Float32Array, y: Float32Array, out: Float32Array): void {
  const period = y.length;
  for (let i = 0; i < x.length; i++) out[i] += x[i] * y[i % period];
}

export function mulSumRowsInto(x: Float32Array, y: Float32Array, out: Float32Array): void {
  const period = out.length;
  for (let i = 0; i < x.length; i++) out[i % period] += x[i] * y[i];
}

export function exp(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
}

export function sum(x: Float32Array): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) total += x[i];
  return total;
}

export function sumSquares(x: Float32Array): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) total += x[i] * x[i];
  return total;
}

export function scaleInPlace(x: Float32Array, alpha: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
}

export function embeddingForward(weight: Float32Array, ids: Int32Array, dim: number, out: Float32Array): void {
  const rows = weight.length / dim;
  for (let t = 0; t < ids.length; t++) {
    const id = ids[t];
    if (id < 0 || id >= rows) throw new Error(`embedding: token id ${id} at position ${t} is outside the vocabulary [0, ${rows})`);
    out.set(weight.subarray(id * dim, (id + 1) * dim), t * dim);
  }
}

export function embeddingBackward(ids: Int32Array, gradOut: Float32Array, dim: number, gradWeight: Float32Array): void {
  for (let t = 0; t < ids.length; t++) {
    const base = ids[t] * dim;
    for (let j = 0; j < dim; j++) gradWeight[base + j] += gradOut[t * dim + j];
  }
}

export function siluForward(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] / (1 + Math.exp(-x[i]));
}

export function siluBackward(x: Float32Array, gradOut: Float32Array, gradX: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const sigmoid = 1 / (1 + Math.exp(-x[i]));
    gradX[i] += gradOut[i] * sigmoid * (1 + x[i] * (1 - sigmoid));
  }
}

export function swigluForward(gate: Float32Array, up: Float32Array, out: Float32Array): void {
  for (let i = 0; i < gate.length; i++) out[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
}

export function swigluBackward(gate: Float32Array, up: Float32Array, gradOut: Float32Array, gradGate: Float32Array | null, gradUp: Float32Array | null): void {
  for (let i = 0; i < gate.length; i++) {
    const sigmoid = 1 / (1 + Math.exp(-gate[i]));
    if (gradUp) gradUp[i] += gradOut[i] * gate[i] * sigmoid;
    if (gradGate) gradGate[i] += gradOut[i] * up[i] * sigmoid * (1 + gate[i] * (1 - sigmoid));
  }
}

export function adamw(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, args: AdamwArgs): void {
  const { lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2 } = args;
  for (let i = 0; i < param.length; i++) {
    m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
    v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i];
    const mHat = m[i] / biasCorrection1;
    const vHat = v[i] / biasCorrection2;
    param[i] -= lr * (mHat / (Math.sqrt(vHat) + eps) + weightDecay * param[i]);
  }
}
