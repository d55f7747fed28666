// A judge's verdict: per step (process) or per trajectory (outcome).
import { z } from 'zod';

export const VerdictSchema = z.enum(['GOOD', 'BAD', 'unknown']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const ProcessJudgmentSchema = z.strictObject({
  type: z.literal('process'),
  stepId: z.string(),
  trajectoryId: z.string(),
  questionId: z.string(),
  stepIndex: z.number().int().nonnegative(),
  actionKind: z.enum(['tool_call', 'answer', 'invalid']),
  verdict: VerdictSchema,
  rationale: z.string(),
  judge: z.string().describe('Judge model id, or "rule:<name>" for heuristic judges.'),
  promptVersion: z.string(),
  inputTokens: z.number().int().nonnegative().default(0),
  outputTokens: z.number().int().nonnegative().default(0),
});
export type ProcessJudgment = z.infer<typeof ProcessJudgmentSchema>;

export const OutcomeJudgmentSchema = z.strictObject({
  type: z.literal('outcome'),
  trajectoryId: z.string(),
  questionId: z.string(),
  prediction: z.string().nullable(),
  gold: z.string(),
  correct: z.boolean(),
  f1: z.number().min(0).max(1).nullable(),
  judge: z.string(),
});
export type OutcomeJudgment = z.infer<typeof OutcomeJudgmentSchema>;

export const JudgmentSchema = z.discriminatedUnion('type', [ProcessJudgmentSchema, OutcomeJudgmentSchema]);
export type Judgment = z.infer<typeof JudgmentSchema>;
