// The opening messages of an episode, rendered from the run's prompt templates.
import { renderTemplate } from '../prompts/default-prompts';
import { DatasetRow } from '../schemas/dataset-row';
import { Message } from '../schemas/message';
import { ToolRegistry } from '../tools/tool-registry';

export interface PromptTemplates {
  system: string;
  user: string;
}

export function buildPrompt(templates: PromptTemplates, tools: ToolRegistry, question: Pick<DatasetRow, 'question'>, maxSteps: number): Message[] {
  const values = { maxSteps, toolList: tools.describe(), question: question.question };
  const messages: Message[] = [];
  const system = renderTemplate(templates.system, values);
  if (system.trim() !== '') messages.push({ role: 'system', content: system });
  messages.push({ role: 'user', content: renderTemplate(templates.user, values) });
  return messages;
}

/** The user turn that returns a tool result to the policy. */
export function formatToolTurn(input: string, result: string): string {
  return `${input} -> ${result}`;
}
