// Next-token loss over pre-encoded conversations (weights pick the assistant tokens): pretraining a policy on demonstrations.
import type { LlamaModel } from '../model/llama-model';
import { createTokenBatch, type EncodedSequence } from '../objectives/encode-record';
import { computeWeightedNll } from '../objectives/policy-gradient-loss';
import { backward } from '../tensor/autograd';
import { logSoftmaxGather } from '../tensor/ops';
import type { Rng } from '../tensor/random';
import type { MicroBatchResult, TrainingObjective } from '../train/train-loop';

/** Sequences of similar length trained together, so little of a batch is padding. */
export type SequenceGroup = readonly EncodedSequence[];

/** Groups sequences of similar length into batches of `size` (the data order then shuffles whole groups). */
export function groupByLength(sequences: readonly EncodedSequence[], size: number): SequenceGroup[] {
  const sorted = [...sequences].sort((left, right) => left.tokens.length - right.tokens.length);
  const groups: SequenceGroup[] = [];
  for (let start = 0; start < sorted.length; start += size) groups.push(sorted.slice(start, start + size));
  return groups;
}

export class ConversationObjective implements TrainingObjective<SequenceGroup> {
  readonly name = 'conversation';

  constructor(private readonly model: LlamaModel, private readonly padToken: number) {}

  async accumulate(groups: readonly SequenceGroup[], lossScale: number, rng: Rng): Promise<MicroBatchResult> {
    const batch = createTokenBatch(groups.flat(), this.padToken);
    const logits = this.model.forward(batch.inputs, batch.batch, batch.length, { dropoutRng: rng });
    const logProbs = logSoftmaxGather(logits, batch.targets);
    const { loss, gradient, tokenCount } = computeWeightedNll(logProbs.data, batch.weights);
    if (tokenCount > 0) {
      for (let index = 0; index < gradient.length; index += 1) gradient[index] *= lossScale;
      backward(logProbs, gradient);
    }
    return { loss, tokens: tokenCount };
  }
}
