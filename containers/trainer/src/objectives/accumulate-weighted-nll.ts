// One micro-batch of weighted next-token NLL: forward, per-token log-probs, scaled gradient into the tape.
import type { LlamaModel } from '../model/llama-model';
import { backward } from '../tensor/autograd';
import { kernelsOfBuffer, type Buffer } from '../tensor/device';
import { logSoftmaxGather } from '../tensor/ops';
import type { Rng } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import type { TokenBatch } from './encode-record';
import { computeWeightedNll } from './policy-gradient-loss';

/** Accumulates gradients of the weighted NLL times `lossScale`; returns the loss and the weighted token count. */
export function accumulateWeightedNll(model: LlamaModel, batch: TokenBatch, lossScale: number, rng: Rng): { loss: number; tokenCount: number } {
  const logits = model.forward(batch.inputs, batch.batch, batch.length, { dropoutRng: rng });
  const logProbs = logSoftmaxGather(logits, batch.targets);
  if (!(logProbs.buffer instanceof Float32Array)) return accumulateOnDevice(logProbs, batch.targets, batch.weights, lossScale);
  const { loss, gradient, tokenCount } = computeWeightedNll(logProbs.data, batch.weights);
  if (tokenCount > 0) {
    // Scaling here rather than in the loss keeps gradient accumulation exact across micro-batches.
    for (let index = 0; index < gradient.length; index += 1) gradient[index] *= lossScale;
    backward(logProbs, gradient);
  }
  return { loss, tokenCount };
}

/**
 * The same loss where the log-probs live, with one number crossing back instead of every token's log-prob. Its
 * gradient depends only on the host-side weights. With 0/1 weights (SFT's action mask: a weight is 0 exactly where
 * the target is masked, whose log-prob is 0 and whose row the backward skips) it is one constant, filled on the
 * device, and the loss is the log-probs' sum: nothing is uploaded. Other weights go up once as per-token factors.
 */
function accumulateOnDevice(logProbs: Tensor, targets: Int32Array, weights: Float32Array, lossScale: number): { loss: number; tokenCount: number } {
  const { gradient, tokenCount } = computeWeightedNll(new Float32Array(weights.length), weights);
  const kernels = kernelsOfBuffer(logProbs.buffer);
  let perToken: Buffer;
  let loss: number;
  if (weights.every((weight, index) => weight === (targets[index] < 0 ? 0 : 1))) {
    const factor = -1 / Math.max(tokenCount, 1e-8);
    perToken = kernels.allocate(weights.length);
    kernels.fill(perToken, factor);
    loss = factor * kernels.sum(logProbs.buffer);
  } else {
    perToken = kernels.upload(gradient);
    const products = kernels.allocate(weights.length);
    kernels.mulBroadcast(logProbs.buffer, perToken, products);
    loss = kernels.sum(products);
  }
  if (tokenCount > 0) {
    kernels.scaleInPlace(perToken, lossScale);
    backward(logProbs, perToken);
  }
  return { loss, tokenCount };
}
