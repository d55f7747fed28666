// SwiGLU gate: silu(gate) · up, fused so the MLP keeps one intermediate instead of three.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { kernelsFor } from './kernels-for';

export function swiglu(gate: Tensor, up: Tensor): Tensor {
  if (gate.shape.join(',') !== up.shape.join(',')) throw new Error(`swiglu(${formatShape(gate.shape)}, ${formatShape(up.shape)}): expected equal shapes`);
  const kernels = kernelsFor('swiglu', gate, up);
  const out = new Tensor(kernels.allocate(gate.size), gate.shape, { op: 'swiglu' });
  kernels.swigluForward(gate.buffer, up.buffer, out.buffer);
  if (!needsGrad(gate, up)) return out;
  return record(out, [gate, up], () => {
    kernels.swigluBackward(gate.buffer, up.buffer, out.gradBuffer!, gate.requiresGrad ? gate.ensureGradBuffer() : null, up.requiresGrad ? up.ensureGradBuffer() : null);
  });
}
