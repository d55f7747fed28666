// Demonstrations for pretraining the tiny policy: gold-path episodes with realistic mistakes at a controlled rate.
import { DEFAULT_SYSTEM_PROMPT, DEFAULT_USER_PROMPT } from '../../prompts/default-prompts';
import { resolveMaxSteps, type CorpusDocument, type DatasetRow, type Trajectory } from '../../schemas';
import { Bm25Index } from '../../tools/bm25-index';
import { createCalculatorTool } from '../../tools/calculator';
import { createSearchTool } from '../../tools/search-tool';
import { ToolRegistry } from '../../tools/tool-registry';
import { createSeededRandom } from '../seeded-random';
import type { DemonstrationMistake } from './demonstration-plan';
import { createMistakeProfile, type MistakeOptions } from './mistake-profile';
import { ARITH_SITUATIONS, planArithDemonstration } from './plan-arith-demonstration';
import { HOP_SITUATIONS, planHopDemonstration, type QueryStyle } from './plan-hop-demonstration';
import { replayDemonstration } from './replay-demonstration';

export interface DemonstrationOptions extends MistakeOptions {
  seed: number;
  /** Prompt templates; default: the run defaults, so demonstrations look exactly like rollouts. */
  prompts?: { system: string; user: string };
  /** Step cap; default: the run default per task (5 QA, 10 math). */
  maxSteps?: number;
  /** Hop demonstrations open with a plan line and chain each note to it (see planNote). Default false. */
  planNotes?: boolean;
  /** How hop demonstrations write their searches (see QUERY_STYLES). Default `name`: the entity's name alone. */
  queryStyle?: QueryStyle;
}

export interface Demonstration {
  trajectory: Trajectory;
  mistakes: DemonstrationMistake[];
  /** Whether the final answer equals the gold answer. */
  correct: boolean;
}

/**
 * The tools a run gets from createToolRegistry when its corpus exists (prepare always writes one, empty for math):
 * search first, then the calculator — so the tool list in the system prompt matches rollouts.
 */
export function createDemonstrationTools(corpus: CorpusDocument[]): ToolRegistry {
  const index = Bm25Index.build(corpus, { key: 'demonstrations', etag: null });
  return new ToolRegistry([createSearchTool(index), createCalculatorTool()]);
}

function hasToolError(trajectory: Trajectory): boolean {
  return trajectory.turns.some((turn) => turn.toolResult !== null && turn.toolResult.includes(' -> Error: '));
}

export async function generateDemonstrations(rows: DatasetRow[], corpus: CorpusDocument[], options: DemonstrationOptions): Promise<Demonstration[]> {
  const tools = createDemonstrationTools(corpus);
  const byTitle = new Map(corpus.map((document) => [document.title, document]));
  const prompts = options.prompts ?? { system: DEFAULT_SYSTEM_PROMPT, user: DEFAULT_USER_PROMPT };
  const profiles = {
    qa: createMistakeProfile(HOP_SITUATIONS, options.seed, options),
    math: createMistakeProfile(ARITH_SITUATIONS, options.seed, options),
  };
  const demonstrations: Demonstration[] = [];
  for (const row of rows) {
    const random = createSeededRandom(`demonstration:${options.seed}:${row.id}`);
    const plan = row.task === 'qa'
      ? planHopDemonstration(row, byTitle, profiles.qa, random, { planNotes: options.planNotes, queryStyle: options.queryStyle })
      : planArithDemonstration(row, profiles.math, random);
    const maxSteps = options.maxSteps ?? resolveMaxSteps({ maxSteps: undefined }, row.task);
    let trajectory = await replayDemonstration(row, plan.outputs, { tools, prompts, maxSteps });
    // The calculator reports a wall-clock overrun as a tool error; under a loaded CPU that is noise, not the script.
    for (let attempt = 0; attempt < 3 && hasToolError(trajectory); attempt++) {
      trajectory = await replayDemonstration(row, plan.outputs, { tools, prompts, maxSteps });
    }
    const correct = trajectory.finalAnswer !== null && trajectory.finalAnswer.trim() === row.answer;
    demonstrations.push({ trajectory, mistakes: plan.mistakes.filter((mistake) => mistake.step < trajectory.turns.length), correct });
  }
  return demonstrations;
}
