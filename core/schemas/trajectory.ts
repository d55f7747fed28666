// A rollout: the prompt, every model turn verbatim with its parsed action and tool result, and how it ended.
import { z } from 'zod';
import { MessageSchema, TokenUsageSchema } from './message';
import { ActionSchema } from './action';
import { DatasetRowSchema } from './dataset-row';

export const FINISH_REASONS = ['answered', 'step_limit', 'invalid_action', 'model_error', 'budget_exhausted'] as const;
export const FinishReasonSchema = z.enum(FINISH_REASONS);
export type FinishReason = z.infer<typeof FinishReasonSchema>;

export const TrajectoryTurnSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  output: z.string().describe('The model output, verbatim.'),
  action: ActionSchema,
  toolResult: z.string().nullable().describe('Tool result as shown to the model ("QUERY -> RESULT"); null for answers and invalid actions.'),
  usage: TokenUsageSchema,
  latencyMs: z.number().nonnegative(),
  error: z.string().nullable().default(null).describe('Model or tool failure recorded as data.'),
});
export type TrajectoryTurn = z.infer<typeof TrajectoryTurnSchema>;

export const TrajectorySchema = z.strictObject({
  id: z.string().min(1).describe('Deterministic: <questionId>#<sample>.'),
  runId: z.string(),
  questionId: z.string(),
  sample: z.number().int().nonnegative(),
  question: DatasetRowSchema,
  prompt: z.array(MessageSchema).min(1).describe('System and first user message.'),
  turns: z.array(TrajectoryTurnSchema),
  finalAnswer: z.string().nullable(),
  finishReason: FinishReasonSchema,
  usage: TokenUsageSchema,
  costUsd: z.number().nonnegative().default(0),
  model: z.string().describe('Policy model id.'),
  error: z.string().optional().describe('Why the episode ended early when no turn carries it (a failed model call).'),
});
export type Trajectory = z.infer<typeof TrajectorySchema>;
