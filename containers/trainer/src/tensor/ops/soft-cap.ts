// Soft capping: cap·tanh(x/cap), which bounds Gemma 2's logits smoothly.
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';

export function softCap(x: Tensor, cap: number): Tensor {
  const out = new Tensor(new Float32Array(x.size), x.shape, { op: 'softCap' });
  for (let index = 0; index < x.size; index += 1) out.data[index] = Math.tanh(x.data[index] / cap) * cap;
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    const gradOut = out.grad!;
    const gradX = x.ensureGrad();
    for (let index = 0; index < x.size; index += 1) {
      const squashed = out.data[index] / cap;
      gradX[index] += gradOut[index] * (1 - squashed * squashed);
    }
  });
}
