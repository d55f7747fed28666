// The status document of a run (runs/<run>/status.json).
import { z } from 'zod';

export const STAGES = ['prepare', 'rollout', 'decompose', 'judge', 'assemble', 'train', 'evaluate', 'report'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

export const StageStatusSchema = z.strictObject({
  state: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED']),
  startedAt: z.string().nullable().default(null),
  finishedAt: z.string().nullable().default(null),
  counts: z.record(z.string(), z.number()).default({}),
});

export const RunStatusSchema = z.strictObject({
  runId: z.string(),
  state: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED']),
  stage: StageSchema.nullable().describe('Stage running now, or the stage that failed.'),
  stages: z.partialRecord(StageSchema, StageStatusSchema).default({}),
  error: z.strictObject({ stage: z.string(), error: z.string(), cause: z.string() }).nullable().default(null),
  updatedAt: z.string(),
});
export type RunStatus = z.infer<typeof RunStatusSchema>;
