// Soft capping: cap·tanh(x/cap), which bounds Gemma 2's logits smoothly.
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';
import { familyKernelsFor } from './kernels-for';

export function softCap(x: Tensor, cap: number): Tensor {
  const kernels = familyKernelsFor('softCap', ['softCapForward', 'softCapBackward'], x);
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'softCap' });
  kernels.softCapForward(x.buffer, cap, out.buffer);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => kernels.softCapBackward(out.buffer, cap, out.gradBuffer!, x.ensureGradBuffer()));
}
