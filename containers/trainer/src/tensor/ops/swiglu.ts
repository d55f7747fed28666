// SwiGLU gate: silu(gate) · up, fused so the MLP keeps one intermediate instead of three.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { getBackend } from '../backend';

export function swiglu(gate: Tensor, up: Tensor): Tensor {
  if (gate.shape.join(',') !== up.shape.join(',')) throw new Error(`swiglu(${formatShape(gate.shape)}, ${formatShape(up.shape)}): expected equal shapes`);
  const out = new Tensor(new Float32Array(gate.size), gate.shape, { op: 'swiglu' });
  getBackend().swigluForward(gate.data, up.data, out.data);
  if (!needsGrad(gate, up)) return out;
  return record(out, [gate, up], () => {
    getBackend().swigluBackward(gate.data, up.data, out.grad!, gate.requiresGrad ? gate.ensureGrad() : null, up.requiresGrad ? up.ensureGrad() : null);
  });
}
