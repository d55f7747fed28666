// Global gradient-norm clipping across a parameter list.
import type { Tensor } from '../tensor';
import { kernelsFor } from './kernels-for';

/**
 * Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before clipping. The squares are
 * summed where the gradients live; only the one total crosses to the host (the clipping factor needs it there).
 */
export function clipGradNorm(params: Tensor[], maxNorm: number): number {
  const withGradients = params.filter((param) => param.gradBuffer !== null);
  if (withGradients.length === 0) return 0;
  const kernels = kernelsFor('clipGradNorm', ...withGradients);
  const squares = kernels.allocate(1);
  for (const param of withGradients) kernels.sumSquaresInto(param.gradBuffer!, squares);
  const norm = Math.sqrt(kernels.download(squares)[0]);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const factor = maxNorm / (norm + 1e-6);
    for (const param of withGradients) kernels.scaleInPlace(param.gradBuffer!, factor);
  }
  return norm;
}
