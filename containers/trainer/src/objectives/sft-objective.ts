// The sft objective: masked next-token NLL on the action tokens of each (context, action) record.
import type { Message } from '../../../../core/schemas/message';
import type { LlamaModel } from '../model/llama-model';
import type { Rng } from '../tensor/random';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';
import type { MicroBatchResult, TrainingObjective } from '../train/train-loop';
import { createTokenBatch, EncodedSequence, encodePromptAndAction } from './encode-record';
import { accumulateWeightedNll } from './accumulate-weighted-nll';

/** A chat example (loss on the action only) or plain text (loss on every token after the first). */
export type SupervisedExample = { context: readonly Message[]; action: string } | { text: string };

export function encodeExample(tokenizer: TextTokenizer, example: SupervisedExample, maxLength: number): EncodedSequence {
  if ('text' in example) {
    const tokens = tokenizer.encode(example.text).slice(0, maxLength);
    return { tokens, weights: tokens.map(() => 1), promptLength: 0 };
  }
  return encodePromptAndAction(tokenizer, example.context, example.action, maxLength);
}

export class SftObjective<T extends SupervisedExample> implements TrainingObjective<T> {
  readonly name = 'sft';
  private readonly encoded = new WeakMap<T, EncodedSequence>();

  constructor(private readonly model: LlamaModel, private readonly tokenizer: TextTokenizer, private readonly maxSequenceLength: number) {}

  private encode(example: T): EncodedSequence {
    let sequence = this.encoded.get(example);
    if (!sequence) {
      sequence = encodeExample(this.tokenizer, example, Math.min(this.maxSequenceLength, this.model.config.maxPositions + 1));
      this.encoded.set(example, sequence);
    }
    return sequence;
  }

  async accumulate(examples: readonly T[], lossScale: number, rng: Rng): Promise<MicroBatchResult> {
    const batch = createTokenBatch(examples.map((example) => this.encode(example)), 0);
    const { loss } = accumulateWeightedNll(this.model, batch, lossScale, rng);
    return { loss, tokens: batch.tokenCount };
  }
}
