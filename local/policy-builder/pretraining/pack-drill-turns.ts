// Packs short question-and-reply chat turns into training sequences, only the replies weighted: the shape of every drill.
import { createSeededRandom, type SeededRandom } from '../../../core/tasks/seeded-random';
import type { EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import type { TextTokenizer } from '../../../containers/trainer/src/tokenizer/load-tokenizer';
import { WeightedTokenWriter } from './weighted-token-writer';

export interface DrillOptions {
  seed: number;
  count: number;
  /** Each sequence holds drills until it has at least this many tokens (drawn uniformly between the two). */
  minimumTokens: number;
  maximumTokens: number;
}

export interface DrillTurn {
  /** The user turn's text. */
  question: string;
  /** The assistant's reply, the only weighted tokens. */
  reply: string;
}

/** `options.count` sequences from the named random stream; turns are rendered by the chat template, as the agent loop renders them. */
export function packDrillTurns(tokenizer: TextTokenizer, stream: string, options: DrillOptions, drawTurn: (random: SeededRandom) => DrillTurn): EncodedSequence[] {
  const random = createSeededRandom(`${stream}:${options.seed}`);
  const sequences: EncodedSequence[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const writer = new WeightedTokenWriter(tokenizer);
    const target = random.integer(options.minimumTokens, options.maximumTokens);
    while (writer.length < target) {
      const turn = drawTurn(random);
      writer.append(tokenizer.template.renderPrompt([{ role: 'user', content: turn.question }]), 0);
      writer.append(`${turn.reply}${tokenizer.template.turnEnd}`, 1);
    }
    sequences.push(writer.toSequence(0));
  }
  return sequences;
}
