// Plan drills: hop-style questions over random relation chains, answered only by the plan line that opens a hop episode.
import { planNote } from '../../../../core/tasks/demonstrations/plan-hop-demonstration';
import { HOP_FRAMES, renderHopQuestion } from '../../../../core/tasks/hop/hop-templates';
import { RELATIONS, type RelationName } from '../../../../core/tasks/hop/knowledge-base';
import type { SeededRandom } from '../../../../core/tasks/seeded-random';
import { drawUniqueWord } from '../../../../core/tasks/syllable-names';
import type { EncodedSequence } from '../objectives/encode-record';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';
import { packDrillTurns, type DrillOptions } from './pack-drill-turns';

const START_SUFFIXES = ['Songs', 'Tales', 'Story', 'Records', 'Press', 'Studios'] as const;

function drawStartName(random: SeededRandom): string {
  const taken = new Set<string>();
  const first = drawUniqueWord(random, 'train', taken);
  const second = random.chance(0.5) ? random.pick(START_SUFFIXES) : drawUniqueWord(random, 'train', taken);
  return `${first} ${second}`;
}

/** 2–4 distinct relations in any order: chains no knowledge base holds, so the drill cannot be solved from memory of paths. */
function drawChain(random: SeededRandom): RelationName[] {
  const names = RELATIONS.map((relation) => relation.name);
  return random.shuffle(names).slice(0, random.integer(2, 4));
}

/**
 * A hop question names its relations outermost first ("the birthplace of the founder of the publisher of X"), and
 * the policy follows them innermost first. Reading that chain backwards is the one step of a hop episode that
 * copying alone does not teach; in episodes it is one decision per question among hundreds of tokens, and a small
 * model trained on episodes alone learned to follow each page's first relation whatever the question asked. Drills
 * pack dozens of these decisions per sequence, each token of the reply a lookup of the relation named just before
 * the previous one. The prompt is rendered exactly as the agent loop renders a question turn.
 */
export function createPlanDrills(tokenizer: TextTokenizer, userPrompt: (question: string) => string, options: DrillOptions): EncodedSequence[] {
  return packDrillTurns(tokenizer, 'plan-drills', options, (random) => {
    const path = drawChain(random);
    const question = renderHopQuestion({ id: 'drill', frame: random.pick(HOP_FRAMES), path, startKind: 'work' }, drawStartName(random));
    return { question: userPrompt(question), reply: planNote(path) };
  });
}
