// A training record: one context and the action to learn (SFT) or the recorded state to explore from (RL).
import { z } from 'zod';
import { MessageSchema } from './message';

export const TrainingRecordSchema = z.strictObject({
  id: z.string().min(1).describe('The step id it came from.'),
  questionId: z.string(),
  trajectoryId: z.string(),
  stepIndex: z.number().int().nonnegative(),
  task: z.enum(['math', 'qa']),
  context: z.array(MessageSchema).min(1),
  action: z.string().describe('Behaviour action: the recorded model output for this state.'),
  reward: z.number().nullable().describe('Judge reward of the behaviour action (1 GOOD, 0 BAD), null when unjudged.'),
  behaviourLogProb: z.number().nullable().default(null),
  reference: z.strictObject({
    answer: z.string(),
    aliases: z.array(z.string()).default([]),
    goldValues: z.array(z.number()).default([]),
    supportingTitles: z.array(z.string()).default([]),
    supportingSentences: z.array(z.strictObject({ title: z.string(), text: z.string() })).default([])
      .describe('Every supporting fact with its sentence, when each has one (empty otherwise).'),
  }).describe('What a rule-based reward needs to judge fresh actions in this state.'),
});
export type TrainingRecord = z.infer<typeof TrainingRecordSchema>;
