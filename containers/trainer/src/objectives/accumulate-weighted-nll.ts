// One micro-batch of weighted next-token NLL: forward, per-token log-probs, scaled gradient into the tape.
import type { LlamaModel } from '../model/llama-model';
import { backward } from '../tensor/autograd';
import { kernelsOfBuffer } from '../tensor/device';
import { logSoftmaxGather } from '../tensor/ops';
import type { Rng } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import type { TokenBatch } from './encode-record';
import { computeWeightedNll } from './policy-gradient-loss';

/** Accumulates gradients of the weighted NLL times `lossScale`; returns the loss and the weighted token count. */
export function accumulateWeightedNll(model: LlamaModel, batch: TokenBatch, lossScale: number, rng: Rng): { loss: number; tokenCount: number } {
  const logits = model.forward(batch.inputs, batch.batch, batch.length, { dropoutRng: rng });
  const logProbs = logSoftmaxGather(logits, batch.targets);
  if (!(logProbs.buffer instanceof Float32Array)) return accumulateOnDevice(logProbs, batch.weights, lossScale);
  const { loss, gradient, tokenCount } = computeWeightedNll(logProbs.data, batch.weights);
  if (tokenCount > 0) {
    // Scaling here rather than in the loss keeps gradient accumulation exact across micro-batches.
    for (let index = 0; index < gradient.length; index += 1) gradient[index] *= lossScale;
    backward(logProbs, gradient);
  }
  return { loss, tokenCount };
}

/**
 * The same loss where the log-probs live: its gradient depends only on the host-side weights (uploaded once), and
 * the loss is their dot product with the log-probs, so one number crosses back instead of every token's log-prob.
 */
function accumulateOnDevice(logProbs: Tensor, weights: Float32Array, lossScale: number): { loss: number; tokenCount: number } {
  const { gradient, tokenCount } = computeWeightedNll(new Float32Array(weights.length), weights);
  const kernels = kernelsOfBuffer(logProbs.buffer);
  const perToken = kernels.upload(gradient);
  const products = kernels.allocate(weights.length);
  kernels.mulBroadcast(logProbs.buffer, perToken, products);
  const loss = kernels.sum(products);
  if (tokenCount > 0) {
    kernels.scaleInPlace(perToken, lossScale);
    backward(logProbs, perToken);
  }
  return { loss, tokenCount };
}
