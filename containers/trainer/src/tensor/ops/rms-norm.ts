// RMSNorm over the last dimension: x / sqrt(mean(x²) + eps) · weight.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { kernelsFor } from './kernels-for';

export function rmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  const dim = x.shape[x.rank - 1];
  if (weight.rank !== 1 || weight.shape[0] !== dim) throw new Error(`rmsNorm: weight ${formatShape(weight.shape)} does not match the last dimension of x ${formatShape(x.shape)}`);
  const kernels = kernelsFor('rmsNorm', x, weight);
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'rmsNorm' });
  const inverseRms = kernels.allocate(x.size / dim);
  kernels.rmsNormForward(x.buffer, weight.buffer, dim, eps, out.buffer, inverseRms);
  if (!needsGrad(x, weight)) return out;
  return record(out, [x, weight], () => {
    // The input gradient is always computed (into a scratch buffer when x is frozen) because the kernel produces both.
    const gradX = x.requiresGrad ? x.ensureGradBuffer() : kernels.allocate(x.size);
    kernels.rmsNormBackward(x.buffer, weight.buffer, inverseRms, out.gradBuffer!, dim, gradX, weight.requiresGrad ? weight.ensureGradBuffer() : null);
  });
}
