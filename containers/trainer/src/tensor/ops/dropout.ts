// Inverted dropout: zeroes each element with probability p and scales survivors by 1/(1−p).
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';
import { getBackend } from '../backend';
import type { Rng } from '../random';

export function dropout(x: Tensor, probability: number, rng: Rng): Tensor {
  if (probability < 0 || probability >= 1) throw new Error(`dropout: expected a probability in [0, 1), received ${probability}`);
  if (probability === 0) return x;
  const keep = 1 / (1 - probability);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < probability ? 0 : keep;
  const out = new Tensor(new Float32Array(x.size), x.shape, { op: 'dropout' });
  getBackend().mulBroadcast(x.data, mask, out.data);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => getBackend().mulAccumulate(out.grad!, mask, x.ensureGrad()));
}
