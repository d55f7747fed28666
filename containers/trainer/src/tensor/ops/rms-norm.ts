// RMSNorm over the last dimension: x / sqrt(mean(x²) + eps) · weight.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { getBackend } from '../backend';

export function rmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  const dim = x.shape[x.rank - 1];
  if (weight.rank !== 1 || weight.shape[0] !== dim) throw new Error(`rmsNorm: weight ${formatShape(weight.shape)} does not match the last dimension of x ${formatShape(x.shape)}`);
  const out = new Tensor(new Float32Array(x.size), x.shape, { op: 'rmsNorm' });
  const inverseRms = new Float32Array(x.size / dim);
  getBackend().rmsNormForward(x.data, weight.data, dim, eps, out.data, inverseRms);
  if (!needsGrad(x, weight)) return out;
  return record(out, [x, weight], () => {
    // The input gradient is always computed (into a scratch buffer when x is frozen) because the kernel produces both.
    const gradX = x.requiresGrad ? x.ensureGrad() : new Float32Array(x.size);
    getBackend().rmsNormBackward(x.data, weight.data, inverseRms, out.grad!, dim, gradX, weight.requiresGrad ? weight.ensureGrad() : null);
  });
}
