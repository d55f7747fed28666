// Inverted dropout: zeroes each element with probability p and scales survivors by 1/(1−p).
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';
import type { Rng } from '../random';
import { kernelsFor } from './kernels-for';

/** The mask is drawn on the host from `rng` (reproducible across devices) and uploaded once to a device. */
export function dropout(x: Tensor, probability: number, rng: Rng): Tensor {
  if (probability < 0 || probability >= 1) throw new Error(`dropout: expected a probability in [0, 1), received ${probability}`);
  if (probability === 0) return x;
  const kernels = kernelsFor('dropout', x);
  const keep = 1 / (1 - probability);
  const values = new Float32Array(x.size);
  for (let i = 0; i < values.length; i++) values[i] = rng.nextFloat() < probability ? 0 : keep;
  const mask = kernels.upload(values);
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'dropout' });
  kernels.mulBroadcast(x.buffer, mask, out.buffer);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => kernels.mulAccumulate(out.gradBuffer!, mask, x.ensureGradBuffer()));
}
