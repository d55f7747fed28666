// Global gradient-norm clipping across a parameter list.
import type { Tensor } from '../tensor';
import { withDeviceScope, type Buffer, type Device } from '../device';
import type { KernelBackend } from '../kernels';
import { kernelsFor } from './kernels-for';

/**
 * Σ of every gradient's squares: in float64 on the host; on a device they add up in one device buffer (released with
 * its scope) and only the total crosses, because the clipping factor is needed on the host.
 */
function sumSquaresOf(kernels: KernelBackend<Buffer>, device: Device, gradients: Buffer[]): number {
  if (device === 'cpu') return gradients.reduce((total, grad) => total + kernels.sumSquares(grad), 0);
  return withDeviceScope(device, () => {
    const squares = kernels.allocate(1);
    for (const grad of gradients) kernels.sumSquaresInto(grad, squares);
    return kernels.download(squares)[0];
  });
}

/** Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Tensor[], maxNorm: number): number {
  const withGradients = params.filter((param) => param.gradBuffer !== null);
  if (withGradients.length === 0) return 0;
  const kernels = kernelsFor('clipGradNorm', ...withGradients);
  const gradients = withGradients.map((param) => param.gradBuffer!);
  const norm = Math.sqrt(sumSquaresOf(kernels, withGradients[0].device, gradients));
  if (Number.isFinite(norm) && norm > maxNorm) {
    const factor = maxNorm / (norm + 1e-6);
    for (const grad of gradients) kernels.scaleInPlace(grad, factor);
  }
  return norm;
}
