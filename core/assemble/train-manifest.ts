// The training-set manifest (runs/<run>/train/manifest.json): the funnel from trajectories to records, per filter strategy.
import { z } from 'zod';
import { FILTER_STRATEGIES, FilterStrategySchema, RlStateSourceSchema } from '../schemas/run-config';
import { TRAJECTORY_BUCKETS } from '../filters/trajectory-filter';

const VerdictCountsSchema = z.strictObject({
  GOOD: z.number().int().nonnegative(),
  BAD: z.number().int().nonnegative(),
  unknown: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative().describe('Steps with no process judgment.'),
});
export type VerdictCounts = z.infer<typeof VerdictCountsSchema>;

const BucketCountsSchema = z.strictObject(Object.fromEntries(TRAJECTORY_BUCKETS.map((bucket) => [bucket, z.number().int().nonnegative()])) as Record<(typeof TRAJECTORY_BUCKETS)[number], z.ZodNumber>);

export const TrainManifestSchema = z.strictObject({
  runId: z.string(),
  strategy: FilterStrategySchema.describe('The strategy the written records were filtered with.'),
  rlStates: RlStateSourceSchema.default('kept').describe('Where the RL states came from (run config rlStates).'),
  validationFraction: z.number(),
  trajectories: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  verdicts: z.strictObject({ tool_call: VerdictCountsSchema, answer: VerdictCountsSchema, invalid: VerdictCountsSchema }),
  outcomes: z.strictObject({ correct: z.number().int().nonnegative(), incorrect: z.number().int().nonnegative(), missing: z.number().int().nonnegative() }),
  strategies: z.strictObject(Object.fromEntries(FILTER_STRATEGIES.map((strategy) => [strategy, BucketCountsSchema])) as Record<(typeof FILTER_STRATEGIES)[number], typeof BucketCountsSchema>)
    .describe('Every trajectory in exactly one bucket per strategy.'),
  records: z.strictObject({
    candidateSteps: z.number().int().nonnegative().describe('Steps of kept trajectories.'),
    stateSteps: z.number().int().nonnegative().default(0).describe('Steps eligible as RL states (before repeats are removed): those of kept trajectories, or with rlStates "good-history" every step after only GOOD steps.'),
    duplicatesRemoved: z.number().int().nonnegative().describe('Train or validation steps dropped as repeats of the same context and action.'),
    sft: z.number().int().nonnegative(),
    states: z.number().int().nonnegative(),
    validation: z.number().int().nonnegative(),
  }),
  questions: z.strictObject({ train: z.number().int().nonnegative(), validation: z.number().int().nonnegative() }),
  judges: z.array(z.string()),
  judgeTokens: z.strictObject({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() }),
  files: z.strictObject({ sft: z.string(), states: z.string(), validation: z.string() }),
});
export type TrainManifest = z.infer<typeof TrainManifestSchema>;
