// Chat templates: the model's own Jinja chat_template, or a built-in (chatml, llama3, mistral) named in
// tokenizer_config.json's chat_template_name or used when the model ships no template.
import type { Message } from '../../../../core/schemas/message';
import { createJinjaChatTemplate } from './jinja-chat-template';

export const CHAT_TEMPLATE_NAMES = ['chatml', 'llama3', 'mistral'] as const;
export type ChatTemplateName = (typeof CHAT_TEMPLATE_NAMES)[number];

export interface ChatTemplate {
  /** A built-in's name, or "jinja" for the model's own template. */
  readonly name: ChatTemplateName | 'jinja';
  /** Text of the conversation followed by the opening of the assistant's turn. */
  renderPrompt(messages: readonly Message[]): string;
  /** Text that closes an assistant turn; appended to the action when training. */
  readonly turnEnd: string;
  /** Strings that end generation of one assistant turn. */
  readonly stopStrings: readonly string[];
}

function renderChatMl(messages: readonly Message[]): string {
  return messages.map((message) => `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`).join('') + '<|im_start|>assistant\n';
}

function renderLlama3(messages: readonly Message[]): string {
  const turns = messages.map((message) => `<|start_header_id|>${message.role}<|end_header_id|>\n\n${message.content.trim()}<|eot_id|>`);
  return `<|begin_of_text|>${turns.join('')}<|start_header_id|>assistant<|end_header_id|>\n\n`;
}

function renderMistral(messages: readonly Message[]): string {
  // Mistral has no system role: the system text leads the first user turn, as its template does.
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content).join('\n\n');
  let text = '<s>';
  let pendingSystem = system;
  for (const message of messages) {
    if (message.role === 'system') continue;
    if (message.role === 'user') {
      const content = pendingSystem ? `${pendingSystem}\n\n${message.content}` : message.content;
      pendingSystem = '';
      text += `[INST] ${content} [/INST]`;
    } else {
      text += `${message.content}</s>`;
    }
  }
  return text;
}

const TEMPLATES: Record<ChatTemplateName, ChatTemplate> = {
  chatml: { name: 'chatml', renderPrompt: renderChatMl, turnEnd: '<|im_end|>\n', stopStrings: ['<|im_end|>', '<|endoftext|>'] },
  llama3: { name: 'llama3', renderPrompt: renderLlama3, turnEnd: '<|eot_id|>', stopStrings: ['<|eot_id|>', '<|end_of_text|>'] },
  mistral: { name: 'mistral', renderPrompt: renderMistral, turnEnd: '</s>', stopStrings: ['</s>'] },
};

export function getChatTemplate(name: ChatTemplateName): ChatTemplate {
  return TEMPLATES[name];
}

/** A special token as tokenizer_config.json writes it: a string, or an added-token object with its content. */
function readSpecialToken(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return null;
}

/** chat_template as a string, or the "default" entry of a list of named templates. */
function readJinjaSource(tokenizerConfig: Record<string, unknown>, label: string): string | null {
  const value = tokenizerConfig.chat_template;
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const entry = value.find((item: { name?: unknown }) => item && item.name === 'default') as { template?: unknown } | undefined;
    if (entry && typeof entry.template === 'string') return entry.template;
  }
  throw new Error(`${label}: chat_template: expected a Jinja string or a list holding a "default" template, received ${JSON.stringify(value).slice(0, 80)}`);
}

/**
 * Picks the template: our `chat_template_name` (a built-in), else the model's Jinja template (chat_template.jinja,
 * then tokenizer_config.json's chat_template), else ChatML.
 */
export function detectChatTemplate(tokenizerConfig: Record<string, unknown>, label = 'tokenizer_config.json', jinjaFile: string | null = null): ChatTemplate {
  const named = tokenizerConfig.chat_template_name;
  if (typeof named === 'string') {
    if (!(CHAT_TEMPLATE_NAMES as readonly string[]).includes(named)) {
      throw new Error(`${label}: chat_template_name: expected ${CHAT_TEMPLATE_NAMES.join(' | ')}, received ${JSON.stringify(named)}`);
    }
    return TEMPLATES[named as ChatTemplateName];
  }
  const source = jinjaFile ?? readJinjaSource(tokenizerConfig, label);
  if (source === null) return TEMPLATES.chatml;
  const tokens = { bosToken: readSpecialToken(tokenizerConfig.bos_token), eosToken: readSpecialToken(tokenizerConfig.eos_token) };
  return createJinjaChatTemplate(source, tokens, label);
}
