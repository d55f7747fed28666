// GeGLU gate with the tanh GELU (Gemma's gelu_pytorch_tanh): gelu(gate) · up.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { familyKernelsFor } from './kernels-for';

export function geglu(gate: Tensor, up: Tensor): Tensor {
  if (gate.shape.join(',') !== up.shape.join(',')) throw new Error(`geglu(${formatShape(gate.shape)}, ${formatShape(up.shape)}): expected equal shapes`);
  const kernels = familyKernelsFor('geglu', ['gegluForward', 'gegluBackward'], gate, up);
  const out = new Tensor(kernels.allocate(gate.size), gate.shape, { op: 'geglu' });
  kernels.gegluForward(gate.buffer, up.buffer, out.buffer);
  if (!needsGrad(gate, up)) return out;
  return record(out, [gate, up], () => {
    kernels.gegluBackward(gate.buffer, up.buffer, out.gradBuffer!, gate.requiresGrad ? gate.ensureGradBuffer() : null, up.requiresGrad ? up.ensureGradBuffer() : null);
  });
}
