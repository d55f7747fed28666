// Full reductions to a scalar: sum and mean.
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';
import { getBackend } from '../backend';

export function sum(x: Tensor): Tensor {
  const out = new Tensor(Float32Array.of(getBackend().sum(x.data)), [], { op: 'sum' });
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    const gradX = x.ensureGrad();
    getBackend().addBroadcast(gradX, Float32Array.of(out.grad![0]), gradX);
  });
}

export function mean(x: Tensor): Tensor {
  const count = Math.max(1, x.size);
  const out = new Tensor(Float32Array.of(getBackend().sum(x.data) / count), [], { op: 'mean' });
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    const gradX = x.ensureGrad();
    getBackend().addBroadcast(gradX, Float32Array.of(out.grad![0] / count), gradX);
  });
}
