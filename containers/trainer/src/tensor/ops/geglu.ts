// GeGLU gate with the tanh GELU (Gemma's gelu_pytorch_tanh): gelu(gate) · up.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

export function geglu(gate: Tensor, up: Tensor): Tensor {
  if (gate.shape.join(',') !== up.shape.join(',')) throw new Error(`geglu(${formatShape(gate.shape)}, ${formatShape(up.shape)}): expected equal shapes`);
  const out = new Tensor(new Float32Array(gate.size), gate.shape, { op: 'geglu' });
  const activated = new Float32Array(gate.size);
  for (let index = 0; index < gate.size; index += 1) {
    const x = gate.data[index];
    activated[index] = 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + CUBIC * x * x * x)));
    out.data[index] = activated[index] * up.data[index];
  }
  if (!needsGrad(gate, up)) return out;
  return record(out, [gate, up], () => {
    const gradOut = out.grad!;
    const gradGate = gate.requiresGrad ? gate.ensureGrad() : null;
    const gradUp = up.requiresGrad ? up.ensureGrad() : null;
    for (let index = 0; index < gate.size; index += 1) {
      if (gradUp) gradUp[index] += gradOut[index] * activated[index];
      if (!gradGate) continue;
      const x = gate.data[index];
      const t = Math.tanh(SQRT_2_OVER_PI * (x + CUBIC * x * x * x));
      const derivative = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * CUBIC * x * x);
      gradGate[index] += gradOut[index] * up.data[index] * derivative;
    }
  });
}
