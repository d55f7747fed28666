// One micro-batch of weighted next-token NLL: forward, per-token log-probs, scaled gradient into the tape.
import type { LlamaModel } from '../model/llama-model';
import { backward } from '../tensor/autograd';
import { crossEntropy, logSoftmaxGather, scale } from '../tensor/ops';
import type { Rng } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import type { TokenBatch } from './encode-record';
import { computeWeightedNll } from './policy-gradient-loss';

/** Accumulates gradients of the weighted NLL times `lossScale`; returns the loss and the weighted token count. */
export function accumulateWeightedNll(model: LlamaModel, batch: TokenBatch, lossScale: number, rng: Rng): { loss: number; tokenCount: number } {
  const logits = model.forward(batch.inputs, batch.batch, batch.length, { dropoutRng: rng });
  if (logits.device !== 'cpu') return accumulateOnDevice(logits, batch, lossScale);
  const logProbs = logSoftmaxGather(logits, batch.targets);
  const { loss, gradient, tokenCount } = computeWeightedNll(logProbs.data, batch.weights);
  if (tokenCount > 0) {
    // Scaling here rather than in the loss keeps gradient accumulation exact across micro-batches.
    for (let index = 0; index < gradient.length; index += 1) gradient[index] *= lossScale;
    backward(logProbs, gradient);
  }
  return { loss, tokenCount };
}

/**
 * The same loss where the logits live, through the cross-entropy op: its divisor comes from the host-side weights,
 * SFT's 0/1 action mask uploads nothing, and only the loss (4 bytes) crosses back instead of every token's log-prob.
 */
function accumulateOnDevice(logits: Tensor, batch: TokenBatch, lossScale: number): { loss: number; tokenCount: number } {
  let tokenCount = 0;
  for (const weight of batch.weights) tokenCount += weight;
  const mean = crossEntropy(logits, batch.targets, batch.weights);
  if (tokenCount > 0) backward(scale(mean, lossScale));
  return { loss: mean.item(), tokenCount };
}
