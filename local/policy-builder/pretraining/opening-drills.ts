// Opening drills: hop-style questions over random relation chains, answered only by the first reply of a hop episode.
import { writeHopOpening, type HopDemonstrationOptions } from '../../../core/tasks/demonstrations/plan-hop-demonstration';
import { HOP_FRAMES, renderHopQuestion } from '../../../core/tasks/hop/hop-templates';
import { RELATIONS, type RelationName } from '../../../core/tasks/hop/knowledge-base';
import type { SeededRandom } from '../../../core/tasks/seeded-random';
import { drawUniqueWord } from '../../../core/tasks/syllable-names';
import type { EncodedSequence } from '../../../containers/trainer/src/objectives/encode-record';
import type { TextTokenizer } from '../../../containers/trainer/src/tokenizer/load-tokenizer';
import { packDrillTurns, type DrillOptions } from './pack-drill-turns';

const START_SUFFIXES = ['Songs', 'Tales', 'Story', 'Records', 'Press', 'Studios'] as const;

export function drawStartName(random: SeededRandom): string {
  const taken = new Set<string>();
  const first = drawUniqueWord(random, 'train', taken);
  const second = random.chance(0.5) ? random.pick(START_SUFFIXES) : drawUniqueWord(random, 'train', taken);
  return `${first} ${second}`;
}

/** 2–4 distinct relations in any order: chains no knowledge base holds, so the drill cannot be solved from memory of paths. */
export function drawChain(random: SeededRandom): RelationName[] {
  const names = RELATIONS.map((relation) => relation.name);
  return random.shuffle(names).slice(0, random.integer(2, 4));
}

/**
 * A hop question names its relations outermost first ("the birthplace of the founder of the publisher of X"), and
 * the first reply of an episode restates them: reversed in a plan line (`--plan-notes`), copied into a sub-question
 * query (`--query-style subquestion`), reversed into keywords after the start entity's name (`--query-style
 * keywords`), or reduced to that name. Relation words are frequent tokens, so a
 * small model trained on episodes alone writes the chains it saw most often instead of the one asked; in episodes
 * this is one reply per question among hundreds of tokens. Drills pack dozens of openings per sequence, over chains
 * no knowledge base holds, each reply weighted and written exactly as the demonstrations write it (same options).
 * The prompt is rendered exactly as the agent loop renders a question turn.
 */
export function createOpeningDrills(tokenizer: TextTokenizer, userPrompt: (question: string) => string, options: DrillOptions, format: HopDemonstrationOptions = {}): EncodedSequence[] {
  return packDrillTurns(tokenizer, 'opening-drills', options, (random) => {
    const path = drawChain(random);
    const startName = drawStartName(random);
    const question = renderHopQuestion({ id: 'drill', frame: random.pick(HOP_FRAMES), path, startKind: 'work' }, startName);
    return { question: userPrompt(question), reply: writeHopOpening(path, startName, format) };
  });
}
