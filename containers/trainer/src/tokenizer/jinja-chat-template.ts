// A model's own chat_template rendered with @huggingface/jinja, given the variables transformers passes it.
import { Template } from '@huggingface/jinja';
import type { Message } from '../../../../core/schemas/message';
import type { ChatTemplate } from './chat-template';

export interface SpecialTokens {
  bosToken: string | null;
  eosToken: string | null;
}

const PROBE_QUESTION = 'probe question';
const PROBE_REPLY = 'probe reply';

/** Renders as transformers' apply_chat_template does (messages, add_generation_prompt, bos/eos tokens). */
export function renderJinjaTemplate(template: Template, messages: readonly Message[], addGenerationPrompt: boolean, tokens: SpecialTokens): string {
  return template.render({
    messages: messages.map((message) => ({ role: message.role, content: message.content })),
    add_generation_prompt: addGenerationPrompt,
    bos_token: tokens.bosToken ?? '',
    eos_token: tokens.eosToken ?? '',
  });
}

/** The system text moved to the head of the first user turn, for templates with no system role (Gemma). */
function foldSystemIntoFirstUser(messages: readonly Message[]): Message[] {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content).join('\n\n');
  const rest = messages.filter((message) => message.role !== 'system');
  const first = rest.findIndex((message) => message.role === 'user');
  if (first < 0) return [{ role: 'user', content: system }, ...rest];
  return rest.map((message, index) => (index === first ? { role: 'user', content: `${system}\n\n${message.content}` } : message));
}

export function createJinjaChatTemplate(source: string, tokens: SpecialTokens, label: string): ChatTemplate {
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    throw new Error(`${label}: chat_template is not valid Jinja: ${(error as Error).message}`);
  }
  const render = (messages: readonly Message[], addGenerationPrompt: boolean): string => {
    try {
      return renderJinjaTemplate(template, messages, addGenerationPrompt, tokens);
    } catch (error) {
      if (messages.some((message) => message.role === 'system')) return renderJinjaTemplate(template, foldSystemIntoFirstUser(messages), addGenerationPrompt, tokens);
      throw new Error(`${label}: chat_template failed to render: ${(error as Error).message}`);
    }
  };
  // What follows an assistant reply: the full conversation's text after the generation prompt and the reply.
  const prompt = render([{ role: 'user', content: PROBE_QUESTION }], true);
  const full = render([{ role: 'user', content: PROBE_QUESTION }, { role: 'assistant', content: PROBE_REPLY }], false);
  // Mistral's puts a space before the reply: whitespace there is text the model itself generates.
  const replyAt = full.indexOf(PROBE_REPLY, prompt.length);
  if (!full.startsWith(prompt) || replyAt < 0 || full.slice(prompt.length, replyAt).trim() !== '') {
    throw new Error(`${label}: chat_template does not render an assistant reply right after its generation prompt; the turn end cannot be derived`);
  }
  const turnEnd = full.slice(replyAt + PROBE_REPLY.length);
  const stopStrings = [...new Set([turnEnd.trim(), tokens.eosToken ?? ''].filter((text) => text.length > 0))];
  return { name: 'jinja', renderPrompt: (messages) => render(messages, true), turnEnd, stopStrings };
}
