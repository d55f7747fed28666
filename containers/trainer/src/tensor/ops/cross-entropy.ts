// Token log-probabilities (log-softmax gathered at targets) and the per-token weighted cross-entropy built on them.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { kernelsFor } from './kernels-for';

function checkTargets(opName: string, logits: Tensor, targets: Int32Array): { rows: number; vocab: number } {
  const vocab = logits.shape[logits.rank - 1];
  const rows = logits.size / vocab;
  if (targets.length !== rows) throw new Error(`${opName}: logits ${formatShape(logits.shape)} have ${rows} rows but ${targets.length} targets were given`);
  for (let r = 0; r < rows; r++) if (targets[r] >= vocab) throw new Error(`${opName}: target ${targets[r]} at row ${r} is outside the vocabulary [0, ${vocab})`);
  return { rows, vocab };
}

/** log p(target) per row, shaped like logits without the vocabulary axis; a negative target gives 0 and no gradient. */
export function logSoftmaxGather(logits: Tensor, targets: Int32Array): Tensor {
  const { rows, vocab } = checkTargets('logSoftmaxGather', logits, targets);
  const kernels = kernelsFor('logSoftmaxGather', logits);
  const out = new Tensor(kernels.allocate(rows), logits.shape.slice(0, -1), { op: 'logSoftmaxGather' });
  const logSumExp = kernels.allocate(rows);
  kernels.logSoftmaxGatherForward(logits.buffer, targets, vocab, out.buffer, logSumExp);
  if (!needsGrad(logits)) return out;
  return record(out, [logits], () => kernels.logSoftmaxGatherBackward(logits.buffer, targets, logSumExp, out.gradBuffer!, vocab, logits.ensureGradBuffer()));
}

export interface CrossEntropyOptions {
  /** 'mean' divides by the total weight (the masked-NLL average); 'sum' does not. Default 'mean'. */
  reduction?: 'mean' | 'sum';
}

/**
 * The loss's coefficient per row, −w/divisor (0 for a negative target). The divisor depends only on the host's
 * targets and weights, so it is computed here and never read back from where the logits live.
 */
function coefficientsOf(targets: Int32Array, weights: Float32Array | undefined, reduction: 'mean' | 'sum'): Float32Array {
  let weightTotal = 0;
  for (let r = 0; r < targets.length; r++) if (targets[r] >= 0) weightTotal += weights ? weights[r] : 1;
  const divisor = reduction === 'mean' && weightTotal > 0 ? weightTotal : 1;
  const coefficients = new Float32Array(targets.length);
  for (let r = 0; r < targets.length; r++) coefficients[r] = targets[r] < 0 ? 0 : -(weights ? weights[r] : 1) / divisor;
  return coefficients;
}

/**
 * −Σ w·log p(target) over rows, divided by Σ w for 'mean'. Weights default to 1; rows with a negative target
 * or zero weight contribute nothing (the masking used for prompt tokens). The loss is a one-element tensor where
 * the logits live: only the per-row coefficients are uploaded, nothing is downloaded.
 */
export function crossEntropy(logits: Tensor, targets: Int32Array, weights?: Float32Array, options: CrossEntropyOptions = {}): Tensor {
  const { rows, vocab } = checkTargets('crossEntropy', logits, targets);
  if (weights && weights.length !== rows) throw new Error(`crossEntropy: ${weights.length} weights for ${rows} rows`);
  const kernels = kernelsFor('crossEntropy', logits);
  const coefficients = kernels.upload(coefficientsOf(targets, weights, options.reduction ?? 'mean'));
  const logProbs = kernels.allocate(rows);
  const logSumExp = kernels.allocate(rows);
  kernels.logSoftmaxGatherForward(logits.buffer, targets, vocab, logProbs, logSumExp);
  const out = new Tensor(kernels.allocate(1), [], { op: 'crossEntropy' });
  kernels.mulSumRowsInto(coefficients, logProbs, out.buffer);
  if (!needsGrad(logits)) return out;
  return record(out, [logits], () => {
    const gradLogProbs = kernels.allocate(rows);
    kernels.mulBroadcast(coefficients, out.gradBuffer!, gradLogProbs);
    kernels.logSoftmaxGatherBackward(logits.buffer, targets, logSumExp, gradLogProbs, vocab, logits.ensureGradBuffer());
  });
}
