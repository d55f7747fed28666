// The evaluation plan: one unit of work per (model, eval set) pair, each tagged with where it runs, written by prepare.
import { z } from 'zod';
import { ModelConfig } from '../schemas/model-config';
import { RunConfig, RUN_ID_PATTERN } from '../schemas/run-config';
import { RunStore } from '../store/run-store';
import { runKey } from '../store/run-keys';
import { planEvaluationModels } from './evaluation-models';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const NAME_MESSAGE = 'a name matching [a-z0-9][a-z0-9_-]{0,62}';

/** Where a model's episodes run: the trainer's own models on a GPU job, models behind an API in a Lambda. */
export const MODEL_RUNNERS = ['batch', 'lambda'] as const;
export type ModelRunner = (typeof MODEL_RUNNERS)[number];

export function selectModelRunner(model: Pick<ModelConfig, 'provider'>): ModelRunner {
  return model.provider === 'trainer' ? 'batch' : 'lambda';
}

/** What one evaluation unit is told: the run, the model's name in the plan and the eval set's name. */
export const EvaluationPairEventSchema = z.strictObject({
  runId: z.string().regex(RUN_ID_PATTERN, 'a run id matching [a-z0-9][a-z0-9-]{0,62}'),
  model: z.string().regex(NAME, NAME_MESSAGE),
  set: z.string().regex(NAME, NAME_MESSAGE),
});
export type EvaluationPairEvent = z.infer<typeof EvaluationPairEventSchema>;

/** One item of runs/<run>/eval/pairs.json, the array the evaluation map reads. */
export const EvaluationPairSchema = EvaluationPairEventSchema.extend({ runner: z.enum(MODEL_RUNNERS) });
export type EvaluationPair = z.infer<typeof EvaluationPairSchema>;
export const EvaluationPlanSchema = z.array(EvaluationPairSchema);

export const EVALUATION_FILES = {
  plan: 'eval/pairs.json',
  metrics: 'eval/metrics.json',
  /** Written last by a pair: its state, error and metrics. */
  result: (set: string, model: string) => `eval/${model}/${set}.result.json`,
} as const;

/** Pure: every planned model on every eval set, model by model. */
export function planEvaluationPairs(config: Pick<RunConfig, 'runId' | 'policy' | 'trainer' | 'eval'>): EvaluationPair[] {
  return planEvaluationModels(config).flatMap((model) => config.eval.map((set) => ({
    runId: config.runId, model: model.name, set: set.name, runner: selectModelRunner(model.config),
  })));
}

/** Writes the plan (deterministic, so a rerun overwrites it) and returns its key. */
export async function writeEvaluationPlan(store: RunStore, config: RunConfig): Promise<string> {
  await store.putJson(EVALUATION_FILES.plan, planEvaluationPairs(config));
  return runKey(config.runId, EVALUATION_FILES.plan);
}
