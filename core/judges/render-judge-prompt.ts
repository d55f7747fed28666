// Renders the process-judge prompt: the question, the steps before the newest one with their results, and the newest step.
import { renderTemplate } from '../prompts/default-prompts';
import { Message } from '../schemas/message';
import { Step } from '../schemas/step';

/** Earlier steps as numbered model outputs, each followed by its tool result; the prompt messages are left out. */
export function renderStepHistory(context: readonly Message[]): string {
  const firstAssistant = context.findIndex((message) => message.role === 'assistant');
  if (firstAssistant < 0) return '(none)';
  const lines: string[] = [];
  let stepNumber = 0;
  for (const message of context.slice(firstAssistant)) {
    if (message.role === 'assistant') {
      stepNumber += 1;
      lines.push(`Step ${stepNumber}: ${message.content.trim()}`);
    } else {
      lines.push(`Result: ${message.content.trim()}`);
    }
  }
  return lines.join('\n');
}

export function renderProcessJudgePrompt(template: string, step: Step, question: string): string {
  return renderTemplate(template, {
    question,
    history: renderStepHistory(step.context),
    action: step.action.trim(),
  });
}
