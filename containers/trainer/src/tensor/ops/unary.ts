// Unary elementwise ops: exp, SiLU, and the value-wise min/clamp used by clipped policy-gradient objectives.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { kernelsFor } from './kernels-for';

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
  const out = new Tensor(new Float32Array(a.size), a.shape, { op: 'minimum' });
  for (let i = 0; i < a.size; i++) out.data[i] = a.data[i] <= b.data[i] ? a.data[i] : b.data[i];
  if (!needsGrad(a, b)) return out;
  return record(out, [a, b], () => {
    const gradOut = out.grad!;
    const gradA = a.requiresGrad ? a.ensureGrad() : null;
    const gradB = b.requiresGrad ? b.ensureGrad() : null;
    for (let i = 0; i < a.size; i++) {
      if (a.data[i] <= b.data[i]) {
        if (gradA) gradA[i] += gradOut[i];
      } else if (gradB) gradB[i] += gradOut[i];
    }
  });
}

/** Clamps into [low, high]; the gradient is zero where the value was clipped. */
export function clamp(x: Tensor, low: number, high: number): Tensor {
  const out = new Tensor(new Float32Array(x.size), x.shape, { op: 'clamp' });
  for (let i = 0; i < x.size; i++) out.data[i] = Math.min(high, Math.max(low, x.data[i]));
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    const gradOut = out.grad!;
    const gradX = x.ensureGrad();
    for (let i = 0; i < x.size; i++) if (x.data[i] >= low && x.data[i] <= high) gradX[i] += gradOut[i];
  });
}
