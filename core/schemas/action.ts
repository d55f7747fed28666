// The one action a policy step ends with: a tool call, a final answer, or an invalid output.
import { z } from 'zod';

export const ToolCallActionSchema = z.strictObject({
  type: z.literal('tool_call'),
  tool: z.string().min(1).describe('Registered tool name, e.g. "search" or "calculator".'),
  tag: z.string().min(1).describe('The XML tag the model used, e.g. "search_query".'),
  input: z.string().describe('Text between the tags, trimmed.'),
});

export const AnswerActionSchema = z.strictObject({
  type: z.literal('answer'),
  answer: z.string(),
});

export const InvalidActionSchema = z.strictObject({
  type: z.literal('invalid'),
  reason: z.enum(['no_action', 'unclosed_tag', 'empty_input', 'too_long', 'unknown_tool']),
  detail: z.string(),
});

export const ActionSchema = z.discriminatedUnion('type', [ToolCallActionSchema, AnswerActionSchema, InvalidActionSchema]);
export type Action = z.infer<typeof ActionSchema>;
export type ToolCallAction = z.infer<typeof ToolCallActionSchema>;
