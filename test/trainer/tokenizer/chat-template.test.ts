import { detectChatTemplate, getChatTemplate } from '../../../containers/trainer/src/tokenizer/chat-template';
import { createTestTokenizer } from '../tiny-model';

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Hi' },
  { role: 'assistant' as const, content: 'Hello' },
  { role: 'user' as const, content: 'Sum 2 3' },
];

describe('chat templates', () => {
  it('renders chatml, llama3 and mistral prompts ending in an open assistant turn', () => {
    expect(getChatTemplate('chatml').renderPrompt(messages)).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\nSum 2 3<|im_end|>\n<|im_start|>assistant\n');
    expect(getChatTemplate('llama3').renderPrompt(messages.slice(1, 2))).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
    expect(getChatTemplate('mistral').renderPrompt(messages)).toBe('<s>[INST] Be brief.\n\nHi [/INST]Hello</s>[INST] Sum 2 3 [/INST]');
  });

  it('uses a named built-in, else renders the model\'s own Jinja, else falls back to chatml', () => {
    expect(detectChatTemplate({ chat_template_name: 'mistral' }).name).toBe('mistral');
    expect(detectChatTemplate({}).name).toBe('chatml');
    const own = detectChatTemplate({ chat_template: '{% for m in messages %}<<{{ m.role }}>>{{ m.content }}{% if m.role == "assistant" %}{{ eos_token }}{% endif %}{% endfor %}{% if add_generation_prompt %}<<assistant>>{% endif %}', eos_token: { content: '<end>' } });
    expect(own.name).toBe('jinja');
    expect(own.renderPrompt(messages.slice(1, 2))).toBe('<<user>>Hi<<assistant>>');
    expect(own.turnEnd).toBe('<end>');
    expect(() => detectChatTemplate({ chat_template: '{% for m in messages %}' })).toThrow(/chat_template is not valid Jinja/);
    expect(() => detectChatTemplate({ chat_template: 'no reply here' })).toThrow(/turn end cannot be derived/);
    expect(() => detectChatTemplate({ chat_template_name: 'vicuna' })).toThrow(/expected chatml \| llama3 \| mistral, received "vicuna"/);
  });

  it('tokenizes special tokens as single ids and round-trips bytes', () => {
    const tokenizer = createTestTokenizer();
    const ids = tokenizer.encode('<|im_start|>user\nÅ 1+1<|im_end|>\n');
    expect(ids[0]).toBe(257);
    expect(ids).toContain(258);
    expect(tokenizer.stopTokenIds).toEqual([258, 256]);
    expect(tokenizer.decode(ids)).toBe('<|im_start|>user\nÅ 1+1<|im_end|>\n');
  });
});
