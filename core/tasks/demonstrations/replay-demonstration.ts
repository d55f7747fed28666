// Plays a scripted demonstration through the real agent loop (scripted provider, real parser and tools), yielding a Trajectory.
import { runEpisode } from '../../agent/run-episode';
import type { PromptTemplates } from '../../agent/build-prompt';
import { ScriptedProvider } from '../../providers/scripted-provider';
import type { DatasetRow, Trajectory } from '../../schemas';
import type { ToolRegistry } from '../../tools/tool-registry';

export const DEMONSTRATION_RUN_ID = 'demonstrations';
export const DEMONSTRATION_MODEL = 'demonstration';

export interface ReplayOptions {
  tools: ToolRegistry;
  prompts: PromptTemplates;
  maxSteps: number;
  sample?: number;
}

/** The episode ends at an answer, an invalid action or the step cap, exactly as a rollout would. */
export async function replayDemonstration(row: DatasetRow, outputs: readonly string[], options: ReplayOptions): Promise<Trajectory> {
  if (outputs.length === 0) throw new Error(`demonstration for ${row.id}: expected at least one scripted output, received none`);
  return runEpisode({
    runId: DEMONSTRATION_RUN_ID,
    question: row,
    sample: options.sample ?? 0,
    provider: new ScriptedProvider({ model: DEMONSTRATION_MODEL, responses: [...outputs] }),
    tools: options.tools,
    prompts: options.prompts,
    maxSteps: options.maxSteps,
  });
}
