// A step (sub-trajectory): the context up to one action, plus that action.
import { z } from 'zod';
import { MessageSchema } from './message';
import { ActionSchema } from './action';

export const StepSchema = z.strictObject({
  id: z.string().min(1).describe('Deterministic: <trajectoryId>@<stepIndex>.'),
  runId: z.string(),
  trajectoryId: z.string(),
  questionId: z.string(),
  stepIndex: z.number().int().nonnegative(),
  context: z.array(MessageSchema).min(1).describe('Prompt, earlier model outputs and tool results, up to (not including) this action.'),
  action: z.string().describe('The model output of this step, verbatim (the training target).'),
  parsedAction: ActionSchema,
  toolResult: z.string().nullable(),
  isFinal: z.boolean().describe('True when this step is the trajectory\'s final answer.'),
});
export type Step = z.infer<typeof StepSchema>;
