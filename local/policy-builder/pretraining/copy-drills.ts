// Copy drills: short chat turns whose reply repeats the names and numbers of the turn before, for a policy trained from scratch.
import type { SeededRandom } from '../../../core/tasks/seeded-random';
import { drawUniqueWord } from '../../../core/tasks/syllable-names';
import type { EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import type { TextTokenizer } from '../../../containers/trainer/src/tokenizer/load-tokenizer';
import { packDrillTurns, type DrillOptions } from './pack-drill-turns';

/** Sequence lengths of stage 1 (short, so steps are cheap) and of the drills mixed into episodes (episode-long). */
export const STAGE_ONE_DRILL_TOKENS = { minimumTokens: 60, maximumTokens: 120 } as const;
export const MIXED_DRILL_TOKENS = { minimumTokens: 150, maximumTokens: 450 } as const;

/** A name of one or two fresh words, or a number as the tasks write them (integers, some with one decimal). */
function drawItem(random: SeededRandom): string {
  if (random.chance(0.5)) {
    const taken = new Set<string>();
    const first = drawUniqueWord(random, 'train', taken);
    return random.chance(0.7) ? `${first} ${drawUniqueWord(random, 'train', taken)}` : first;
  }
  const whole = String(random.integer(1, 999));
  return random.chance(0.2) ? `${whole}.${random.integer(1, 9)}` : whole;
}

function drawDrill(random: SeededRandom): string {
  const items: string[] = [];
  const count = random.integer(2, 5);
  for (let index = 0; index < count; index += 1) items.push(drawItem(random));
  return items.join(', ');
}

/**
 * Every action of the tasks copies text from the context: a name from the question into a query, a value from a
 * document into a note, a number from a tool result into an expression. A model trained from scratch learns that
 * only after an "induction" circuit forms (match the current token earlier in the context, emit what followed it),
 * which takes thousands of optimizer steps of dense copying signal (on 2 cores, trained on episodes alone, it had
 * not formed after 1,500 steps). Whole episodes give one copied span per ~30 tokens; in drills about half of all
 * tokens are copies, at a third of the sequence length, so the circuit can form first and the episodes then teach
 * the protocol on top of it. Names are drawn from the train half of the syllable space only.
 */
export function createCopyDrills(tokenizer: TextTokenizer, options: DrillOptions): EncodedSequence[] {
  return packDrillTurns(tokenizer, 'copy-drills', options, (random) => {
    const drill = drawDrill(random);
    return { question: drill, reply: drill };
  });
}
