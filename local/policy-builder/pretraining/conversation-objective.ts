// Next-token loss over pre-encoded conversations (weights pick the assistant tokens): pretraining a policy on demonstrations.
import type { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { createTokenBatch, type EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import { accumulateWeightedNll } from '../../../containers/trainer/src/objectives/accumulate-weighted-nll';
import type { Rng } from '../../../containers/trainer/src/tensor/random';
import type { MicroBatchResult, TrainingObjective } from '../../../containers/trainer/src/train/train-loop';

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
    const { loss, tokenCount } = accumulateWeightedNll(this.model, batch, lossScale, rng);
    return { loss, tokens: tokenCount };
  }
}
