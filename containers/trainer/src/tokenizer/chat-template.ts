// Chat templates: a small built-in set (chatml, llama3, mistral) chosen by name or recognised in
// tokenizer_config.json's Jinja text. Jinja itself is not interpreted; other templates are rejected.
import type { Message } from '../../../../core/schemas/message';

export const CHAT_TEMPLATE_NAMES = ['chatml', 'llama3', 'mistral'] as const;
export type ChatTemplateName = (typeof CHAT_TEMPLATE_NAMES)[number];

export interface ChatTemplate {
  readonly name: ChatTemplateName;
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

/** Picks the template from tokenizer_config.json: our `chat_template_name`, else markers in its Jinja text. */
export function detectChatTemplate(tokenizerConfig: Record<string, unknown>, label = 'tokenizer_config.json'): ChatTemplate {
  const named = tokenizerConfig.chat_template_name;
  if (typeof named === 'string') {
    if (!(CHAT_TEMPLATE_NAMES as readonly string[]).includes(named)) {
      throw new Error(`${label}: chat_template_name: expected ${CHAT_TEMPLATE_NAMES.join(' | ')}, received ${JSON.stringify(named)}`);
    }
    return TEMPLATES[named as ChatTemplateName];
  }
  const jinja = typeof tokenizerConfig.chat_template === 'string' ? tokenizerConfig.chat_template : '';
  if (jinja.includes('<|im_start|>')) return TEMPLATES.chatml;
  if (jinja.includes('<|start_header_id|>')) return TEMPLATES.llama3;
  if (jinja.includes('[INST]')) return TEMPLATES.mistral;
  if (jinja === '') return TEMPLATES.chatml;
  throw new Error(`${label}: chat_template is not one of the built-in templates (${CHAT_TEMPLATE_NAMES.join(', ')}); set "chat_template_name" to one of them`);
}
