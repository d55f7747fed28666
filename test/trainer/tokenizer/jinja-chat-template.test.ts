// The model's own chat_template, rendered string for string as transformers' apply_chat_template renders it
// (test/fixtures/chat-templates, written by scripts/reference/generate-chat-fixtures.py).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import type { Message } from '../../../core/schemas/message';
import { detectChatTemplate } from '../../../containers/trainer/src/tokenizer/chat-template';
import { renderJinjaTemplate } from '../../../containers/trainer/src/tokenizer/jinja-chat-template';

interface RenderedCase {
  family: string;
  bosToken: string;
  eosToken: string;
  messages: Message[];
  addGenerationPrompt: boolean;
  rendered: string | null;
  error: string | null;
}

const directory = path.resolve(__dirname, '../../fixtures/chat-templates');
const cases = JSON.parse(readFileSync(path.join(directory, 'rendered.json'), 'utf8')) as RenderedCase[];
const source = (family: string): string => readFileSync(path.join(directory, `${family}.jinja`), 'utf8');

describe('Jinja chat templates against transformers', () => {
  it.each(cases.map((entry, index) => [`${entry.family} #${index}`, entry] as const))('%s renders as transformers does', (_name, entry) => {
    const template = new Template(source(entry.family));
    const render = () => renderJinjaTemplate(template, entry.messages, entry.addGenerationPrompt, { bosToken: entry.bosToken, eosToken: entry.eosToken });
    if (entry.error !== null) expect(render).toThrow(entry.error);
    else expect(render()).toBe(entry.rendered);
  });

  it('derives each family\'s turn end and stop strings from its template', () => {
    const turnEnds: Record<string, string> = { 'qwen2.5': '<|im_end|>\n', smollm2: '<|im_end|>\n', llama3: '<|eot_id|>', mistral: '</s>', gemma2: '<end_of_turn>\n' };
    for (const [family, turnEnd] of Object.entries(turnEnds)) {
      const entry = cases.find((item) => item.family === family)!;
      const template = detectChatTemplate({ chat_template: source(family), bos_token: entry.bosToken, eos_token: entry.eosToken });
      expect(template.turnEnd).toBe(turnEnd);
      expect(template.stopStrings).toContain(turnEnd.trim());
    }
  });

  it('moves the system text into the first user turn for a template with no system role (Gemma 2)', () => {
    const template = detectChatTemplate({ chat_template: source('gemma2'), bos_token: '<bos>', eos_token: '<eos>' });
    expect(template.renderPrompt([{ role: 'system', content: 'Use tools.' }, { role: 'user', content: 'Add 2 and 3' }]))
      .toBe('<bos><start_of_turn>user\nUse tools.\n\nAdd 2 and 3<end_of_turn>\n<start_of_turn>model\n');
  });
});
