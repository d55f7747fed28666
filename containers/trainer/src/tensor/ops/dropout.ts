// Inverted dropout: zeroes each element with probability p and scales survivors by 1/(1−p).
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';
import type { Rng } from '../random';
import { dropoutMask } from '../backends/reference/dropout-mask';
import type { Buffer } from '../device';
import type { KernelBackend } from '../kernels';
import { kernelsFor } from './kernels-for';

/**
 * One seed per call is drawn from `rng` (so a run, and a checkpointed segment's rerun, replays under it); the mask is
 * the hash of (seed, element), drawn where x lives. A table without dropoutMask gets the same mask from the host.
 */
export function dropout(x: Tensor, probability: number, rng: Rng): Tensor {
  if (probability < 0 || probability >= 1) throw new Error(`dropout: expected a probability in [0, 1), received ${probability}`);
  if (probability === 0) return x;
  const kernels = kernelsFor('dropout', x);
  const mask = drawMask(kernels, x.size, probability, rng.nextUint32());
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'dropout' });
  kernels.mulBroadcast(x.buffer, mask, out.buffer);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => kernels.mulAccumulate(out.gradBuffer!, mask, x.ensureGradBuffer()));
}

function drawMask(kernels: KernelBackend<Buffer>, size: number, probability: number, seed: number): Buffer {
  if (kernels.dropoutMask) {
    const mask = kernels.allocate(size);
    kernels.dropoutMask(seed, probability, mask);
    return mask;
  }
  const values = new Float32Array(size);
  dropoutMask(seed, probability, values);
  return kernels.upload(values);
}
