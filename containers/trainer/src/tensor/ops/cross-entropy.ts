// Token log-probabilities (log-softmax gathered at targets) and the per-token weighted cross-entropy built on them.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';
import { getBackend } from '../backend';

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
  const out = new Tensor(new Float32Array(rows), logits.shape.slice(0, -1), { op: 'logSoftmaxGather' });
  const logSumExp = new Float32Array(rows);
  getBackend().logSoftmaxGatherForward(logits.data, targets, vocab, out.data, logSumExp);
  if (!needsGrad(logits)) return out;
  return record(out, [logits], () => getBackend().logSoftmaxGatherBackward(logits.data, targets, logSumExp, out.grad!, vocab, logits.ensureGrad()));
}

export interface CrossEntropyOptions {
  /** 'mean' divides by the total weight (the masked-NLL average); 'sum' does not. Default 'mean'. */
  reduction?: 'mean' | 'sum';
}

/**
 * −Σ w·log p(target) over rows, divided by Σ w for 'mean'. Weights default to 1; rows with a negative target
 * or zero weight contribute nothing (the masking used for prompt tokens).
 */
export function crossEntropy(logits: Tensor, targets: Int32Array, weights?: Float32Array, options: CrossEntropyOptions = {}): Tensor {
  const { rows, vocab } = checkTargets('crossEntropy', logits, targets);
  if (weights && weights.length !== rows) throw new Error(`crossEntropy: ${weights.length} weights for ${rows} rows`);
  const logProbs = new Float32Array(rows);
  const logSumExp = new Float32Array(rows);
  getBackend().logSoftmaxGatherForward(logits.data, targets, vocab, logProbs, logSumExp);
  let total = 0;
  let weightTotal = 0;
  for (let r = 0; r < rows; r++) {
    if (targets[r] < 0) continue;
    const weight = weights ? weights[r] : 1;
    total -= weight * logProbs[r];
    weightTotal += weight;
  }
  const divisor = (options.reduction ?? 'mean') === 'mean' ? (weightTotal > 0 ? weightTotal : 1) : 1;
  const out = new Tensor(Float32Array.of(total / divisor), [], { op: 'crossEntropy' });
  if (!needsGrad(logits)) return out;
  return record(out, [logits], () => {
    const gradLogProbs = new Float32Array(rows);
    const upstream = out.grad![0];
    for (let r = 0; r < rows; r++) gradLogProbs[r] = targets[r] < 0 ? 0 : (-(weights ? weights[r] : 1) * upstream) / divisor;
    getBackend().logSoftmaxGatherBackward(logits.data, targets, logSumExp, gradLogProbs, vocab, logits.ensureGrad());
  });
}
