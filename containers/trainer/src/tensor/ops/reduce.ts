// Full reductions to a scalar: sum and mean.
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';
import type { Buffer } from '../device';
import type { KernelBackend } from '../kernels';
import { kernelsFor } from './kernels-for';

/**
 * alpha·Σx as a one-element buffer where x lives. The host sums in double precision; a device sums into its own
 * buffer, so the result never crosses to the host.
 */
function sumToBuffer(kernels: KernelBackend<Buffer>, x: Buffer, alpha: number): Buffer {
  if (x instanceof Float32Array) return Float32Array.of(kernels.sum(x) * alpha);
  const total = kernels.allocate(1);
  kernels.sumRowsInto(alpha, x, total);
  return total;
}

function reduce(operation: 'sum' | 'mean', x: Tensor, alpha: number): Tensor {
  const kernels = kernelsFor(operation, x);
  const out = new Tensor(sumToBuffer(kernels, x.buffer, alpha), [], { op: operation });
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    const gradX = x.ensureGradBuffer();
    // The upstream gradient stays a one-element buffer, broadcast over x by the kernel.
    let upstream = out.gradBuffer!;
    if (alpha !== 1) {
      upstream = kernels.allocate(1);
      kernels.axpy(alpha, out.gradBuffer!, upstream);
    }
    kernels.addBroadcast(gradX, upstream, gradX);
  });
}

export function sum(x: Tensor): Tensor {
  return reduce('sum', x, 1);
}

export function mean(x: Tensor): Tensor {
  return reduce('mean', x, 1 / Math.max(1, x.size));
}
