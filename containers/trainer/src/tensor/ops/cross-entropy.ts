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

/** Σ w over rows with a target (w = 1 without weights): it depends only on the host's inputs, so nothing is read back for it. */
function divisorOf(targets: Int32Array, weights: Float32Array | undefined, reduction: 'mean' | 'sum'): number {
  if (reduction === 'sum') return 1;
  let weightTotal = 0;
  for (let r = 0; r < targets.length; r++) if (targets[r] >= 0) weightTotal += weights ? weights[r] : 1;
  return weightTotal > 0 ? weightTotal : 1;
}

/** Weights that only repeat the targets' mask (1 on every row with a target): the unweighted loss is the same. */
function isTargetMask(targets: Int32Array, weights: Float32Array): boolean {
  for (let r = 0; r < targets.length; r++) if (targets[r] >= 0 && weights[r] !== 1) return false;
  return true;
}

/**
 * −Σ w·log p(target) over rows, divided by Σ w for 'mean'. Weights default to 1; rows with a negative target
 * or zero weight contribute nothing (the masking used for prompt tokens). The loss is a one-element tensor where
 * the logits live and nothing is downloaded; only weights other than the targets' 0/1 mask are uploaded, as
 * per-row coefficients −w/divisor.
 */
export function crossEntropy(logits: Tensor, targets: Int32Array, weights?: Float32Array, options: CrossEntropyOptions = {}): Tensor {
  const { rows, vocab } = checkTargets('crossEntropy', logits, targets);
  if (weights && weights.length !== rows) throw new Error(`crossEntropy: ${weights.length} weights for ${rows} rows`);
  const kernels = kernelsFor('crossEntropy', logits);
  const divisor = divisorOf(targets, weights, options.reduction ?? 'mean');
  const logProbs = kernels.allocate(rows);
  const logSumExp = kernels.allocate(rows);
  // The kernel gives rows with a negative target a log-probability of 0 and no gradient, so only weights need a table.
  kernels.logSoftmaxGatherForward(logits.buffer, targets, vocab, logProbs, logSumExp);
  const coefficients = weights && !isTargetMask(targets, weights) ? kernels.upload(weights.map((weight) => -weight / divisor)) : null;
  const out = new Tensor(kernels.allocate(1), [], { op: 'crossEntropy' });
  if (coefficients) kernels.mulSumRowsInto(coefficients, logProbs, out.buffer);
  else kernels.sumRowsInto(-1 / divisor, logProbs, out.buffer);
  if (!needsGrad(logits)) return out;
  return record(out, [logits], () => {
    const gradLogProbs = kernels.allocate(rows);
    if (coefficients) kernels.mulBroadcast(coefficients, out.gradBuffer!, gradLogProbs);
    else {
      kernels.addBroadcast(gradLogProbs, out.gradBuffer!, gradLogProbs);
      kernels.scaleInPlace(gradLogProbs, -1 / divisor);
    }
    kernels.logSoftmaxGatherBackward(logits.buffer, targets, logSumExp, gradLogProbs, vocab, logits.ensureGradBuffer());
  });
}
