// Unary elementwise ops: exp, SiLU, and the value-wise min/clamp used by clipped policy-gradient objectives.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { familyKernelsFor, kernelsFor } from './kernels-for';

export function exp(x: Tensor): Tensor {
  const kernels = kernelsFor('exp', x);
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'exp' });
  kernels.exp(x.buffer, out.buffer);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => kernels.mulAccumulate(out.gradBuffer!, out.buffer, x.ensureGradBuffer()));
}

export function silu(x: Tensor): Tensor {
  const kernels = kernelsFor('silu', x);
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'silu' });
  kernels.siluForward(x.buffer, out.buffer);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => kernels.siluBackward(x.buffer, out.gradBuffer!, x.ensureGradBuffer()));
}

/** Elementwise minimum; the gradient flows to whichever input was smaller (to a on ties). */
export function minimum(a: Tensor, b: Tensor): Tensor {
  if (a.shape.join(',') !== b.shape.join(',')) throw new Error(`minimum(${formatShape(a.shape)}, ${formatShape(b.shape)}): expected equal shapes`);
  const kernels = familyKernelsFor('minimum', ['minimumForward', 'minimumBackward'], a, b);
  const out = new Tensor(kernels.allocate(a.size), a.shape, { op: 'minimum' });
  kernels.minimumForward(a.buffer, b.buffer, out.buffer);
  if (!needsGrad(a, b)) return out;
  return record(out, [a, b], () => {
    kernels.minimumBackward(a.buffer, b.buffer, out.gradBuffer!, a.requiresGrad ? a.ensureGradBuffer() : null, b.requiresGrad ? b.ensureGradBuffer() : null);
  });
}

/** Clamps into [low, high]; the gradient is zero where the value was clipped. */
export function clamp(x: Tensor, low: number, high: number): Tensor {
  const kernels = familyKernelsFor('clamp', ['clampForward', 'clampBackward'], x);
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'clamp' });
  kernels.clampForward(x.buffer, low, high, out.buffer);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => kernels.clampBackward(x.buffer, low, high, out.gradBuffer!, x.ensureGradBuffer()));
}
