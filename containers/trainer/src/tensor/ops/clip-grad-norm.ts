// Global gradient-norm clipping across a parameter list.
import type { Tensor } from '../tensor';
import { getBackend } from '../backend';

/** Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Tensor[], maxNorm: number): number {
  const backend = getBackend();
  let squares = 0;
  for (const param of params) if (param.grad) squares += backend.sumSquares(param.grad);
  const norm = Math.sqrt(squares);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const factor = maxNorm / (norm + 1e-6);
    for (const param of params) if (param.grad) backend.scaleInPlace(param.grad, factor);
  }
  return norm;
}
