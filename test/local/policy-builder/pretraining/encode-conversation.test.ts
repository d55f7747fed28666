// Tests that whole-episode encoding gives the model exactly the tokens it sees at each step, with loss on replies only.
import { buildConversation } from '../../../../core/decompose/decompose-trajectory';
import { generateTaskDataset } from '../../../../core/tasks';
import { generateDemonstrations } from '../../../../core/tasks/demonstrations';
import { BYTE_LEVEL_SPECIAL_TOKENS, createTextTokenizer, getChatTemplate } from '../../../../containers/trainer/src/tokenizer';
import { createTokenizerConfig, createTokenizerJson, trainBytePairEncoding } from '../../../../local/policy-builder/tokenizer-training';
import { encodeConversation } from '../../../../local/policy-builder/pretraining';

describe('encodeConversation', () => {
  it('matches the per-step prompt encoding and weights exactly the replies', async () => {
    const { rows, corpus } = generateTaskDataset('hop', 'train', { count: 8, seed: 2 });
    const arith = generateTaskDataset('arith', 'train', { count: 8, seed: 2 });
    const demonstrations = await generateDemonstrations([...rows, ...arith.rows], corpus, { seed: 2, mistakeRate: 0.3 });
    const conversations = demonstrations.map((item) => buildConversation(item.trajectory));
    const template = getChatTemplate('chatml');
    const encoding = trainBytePairEncoding(conversations.map((messages) => template.renderPrompt(messages)), { vocabularySize: 500, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
    const tokenizer = createTextTokenizer(createTokenizerJson(encoding), createTokenizerConfig());
    for (const messages of conversations) {
      const sequence = encodeConversation(tokenizer, messages, 4096);
      expect(sequence.tokens).toHaveLength(sequence.weights.length);
      messages.forEach((message, index) => {
        if (message.role !== 'assistant') return;
        // What inference feeds the model at this step, followed by what training teaches it to write.
        const prompt = tokenizer.encode(template.renderPrompt(messages.slice(0, index)));
        const reply = tokenizer.encode(message.content + template.turnEnd);
        expect(sequence.tokens.slice(0, prompt.length)).toEqual(prompt);
        expect(sequence.tokens.slice(prompt.length, prompt.length + reply.length)).toEqual(reply);
        expect(sequence.weights.slice(prompt.length, prompt.length + reply.length).every((weight) => weight === 1)).toBe(true);
      });
      const taught = sequence.tokens.filter((_, index) => sequence.weights[index] === 1);
      const replies = messages.filter((message) => message.role === 'assistant').map((message) => message.content + template.turnEnd).join('');
      expect(tokenizer.decode(taught)).toBe(replies);
    }
  });

  it('with a context weight, also teaches question and tool-result turns but never the system prompt', async () => {
    const { rows, corpus } = generateTaskDataset('hop', 'train', { count: 2, seed: 3 });
    const demonstrations = await generateDemonstrations(rows, corpus, { seed: 3, mistakeRate: 0 });
    const template = getChatTemplate('chatml');
    const conversations = demonstrations.map((item) => buildConversation(item.trajectory));
    const encoding = trainBytePairEncoding(conversations.map((messages) => template.renderPrompt(messages)), { vocabularySize: 400, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
    const tokenizer = createTextTokenizer(createTokenizerJson(encoding), createTokenizerConfig());
    for (const messages of conversations) {
      const plain = encodeConversation(tokenizer, messages, 4096);
      const weighted = encodeConversation(tokenizer, messages, 4096, 0.25);
      expect(weighted.tokens).toEqual(plain.tokens);
      expect(weighted.promptLength).toBe(plain.promptLength);
      const pick = (weight: number) => tokenizer.decode(weighted.tokens.filter((_, index) => weighted.weights[index] === weight));
      const system = template.renderPrompt(messages.slice(0, 1)).replace(/<\|im_start\|>assistant\n$/, '');
      expect(tokenizer.decode(weighted.tokens.filter((_, index) => weighted.weights[index] === 0))).toBe(system);
      const context = pick(0.25);
      for (const message of messages.slice(1)) {
        if (message.role === 'user') expect(context).toContain(message.content);
      }
      expect(context).not.toContain(messages[0].content);
      expect(pick(1)).toBe(tokenizer.decode(plain.tokens.filter((_, index) => plain.weights[index] === 1)));
    }
  });

  it('refuses a conversation longer than the limit, naming both lengths', async () => {
    const { rows, corpus } = generateTaskDataset('hop', 'train', { count: 1, seed: 2 });
    const [demonstration] = await generateDemonstrations(rows, corpus, { seed: 2, mistakeRate: 0 });
    const template = getChatTemplate('chatml');
    const messages = buildConversation(demonstration.trajectory);
    const encoding = trainBytePairEncoding([template.renderPrompt(messages)], { vocabularySize: 300, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
    const tokenizer = createTextTokenizer(createTokenizerJson(encoding), createTokenizerConfig());
    expect(() => encodeConversation(tokenizer, messages, 20)).toThrow(/conversation of \d+ tokens exceeds the 20-token limit/);
  });
});
