// One micro-batch of weighted next-token NLL: forward, per-token log-probs, scaled gradient into the tape.
import type { LlamaModel } from '../model/llama-model';
import { backward } from '../tensor/autograd';
import { logSoftmaxGather } from '../tensor/ops';
import type { Rng } from '../tensor/random';
import type { TokenBatch } from './encode-record';
import { computeWeightedNll } from './policy-gradient-loss';

/** Accumulates gradients of the weighted NLL times `lossScale`; returns the loss and the weighted token count. */
export function accumulateWeightedNll(model: LlamaModel, batch: TokenBatch, lossScale: number, rng: Rng): { loss: number; tokenCount: number } {
  const logits = model.forward(batch.inputs, batch.batch, batch.length, { dropoutRng: rng });
  const logProbs = logSoftmaxGather(logits, batch.targets);
  const { loss, gradient, tokenCount } = computeWeightedNll(logProbs.data, batch.weights);
  if (tokenCount > 0) {
    // Scaling here rather than in the loss keeps gradient accumulation exact across micro-batches.
    for (let index = 0; index < gradient.length; index += 1) gradient[index] *= lossScale;
    backward(logProbs, gradient);
  }
  return { loss, tokenCount };
}
