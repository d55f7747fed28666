// One evaluated question (a line of runs/<run>/eval/<model>/<set>.jsonl) and the metrics over a set.
import { z } from 'zod';
import { FinishReasonSchema } from '../schemas/trajectory';

export const EvaluationRecordSchema = z.strictObject({
  questionId: z.string(),
  task: z.enum(['math', 'qa']),
  question: z.string(),
  gold: z.string(),
  prediction: z.string().nullable(),
  correct: z.boolean(),
  f1: z.number().min(0).max(1).nullable(),
  judge: z.string(),
  steps: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  finishReason: FinishReasonSchema,
  model: z.string(),
});
export type EvaluationRecord = z.infer<typeof EvaluationRecordSchema>;

export const SetMetricsSchema = z.strictObject({
  questions: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  accuracy: z.number().min(0).max(1),
  ci95: z.strictObject({ low: z.number(), high: z.number() }).describe('Wilson score interval of the accuracy.'),
  f1: z.number().min(0).max(1).nullable().describe('Mean token F1 over QA questions; null when the set has none.'),
  meanSteps: z.number().nonnegative(),
  meanTokens: z.number().nonnegative(),
  finishReasons: z.record(z.string(), z.number().int().nonnegative()),
});
export type SetMetrics = z.infer<typeof SetMetricsSchema>;

/** Which model a result belongs to: its name in the run, provider, model id or directory, and LoRA adapter. */
export const EvaluatedModelSchema = z.strictObject({ name: z.string(), provider: z.string(), model: z.string(), adapter: z.string().nullable() });
export type EvaluatedModel = z.infer<typeof EvaluatedModelSchema>;

/** The outcome of one (model, eval set) pair, written after its records: a failed pair says why. */
export const EvaluationPairResultSchema = z.strictObject({
  runId: z.string(),
  model: EvaluatedModelSchema,
  set: z.string(),
  state: z.enum(['SUCCEEDED', 'FAILED']),
  error: z.string().nullable(),
  metrics: SetMetricsSchema.nullable(),
});
export type EvaluationPairResult = z.infer<typeof EvaluationPairResultSchema>;

export const EvaluationMetricsSchema = z.strictObject({
  runId: z.string(),
  models: z.array(EvaluatedModelSchema.extend({ error: z.string().nullable().describe('Why some or all of its pairs failed; null when none did.') })),
  sets: z.array(z.string()),
  results: z.record(z.string(), z.record(z.string(), SetMetricsSchema)).describe('results[model][set].'),
});
export type EvaluationMetrics = z.infer<typeof EvaluationMetricsSchema>;
