// Accumulates text as tokens with a loss weight per token: the shape every pretraining sequence is built in.
import type { EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import type { TextTokenizer } from '../../../containers/trainer/src/tokenizer/load-tokenizer';

export class WeightedTokenWriter {
  readonly tokens: number[] = [];
  readonly weights: number[] = [];

  constructor(private readonly tokenizer: TextTokenizer) {}

  append(text: string, weight: number): void {
    for (const token of this.tokenizer.encode(text)) {
      this.tokens.push(token);
      this.weights.push(weight);
    }
  }

  get length(): number {
    return this.tokens.length;
  }

  toSequence(promptLength: number): EncodedSequence {
    return { tokens: this.tokens, weights: this.weights, promptLength };
  }
}
