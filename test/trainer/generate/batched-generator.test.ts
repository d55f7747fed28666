import { BatchedGenerator } from '../../../containers/trainer/src/generate/batched-generator';
import type { GeneratedTokens, GenerationSettings } from '../../../containers/trainer/src/generate/decode-sequence';
import { deriveSampleSeed, generateReplies } from '../../../containers/trainer/src/generate/generate-reply';
import { generateTokens } from '../../../containers/trainer/src/generate/generate-tokens';
import { KeyValueCache } from '../../../containers/trainer/src/model/key-value-cache';
import type { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { noGrad } from '../../../containers/trainer/src/tensor/autograd';
import { getReferenceBackend, useBackend } from '../../../containers/trainer/src/tensor/backend';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { FAMILY_FIXTURE_NAMES, loadFamilyModel } from '../model/family-fixtures';
import { createTestTokenizer, createTinyModel, selectTestBackend } from '../tiny-model';

// Bit-for-bit claims hold on the reference kernels, whose every output row is computed the same way whatever the
// number of rows; the native GEMM may block rows differently.
beforeAll(() => useBackend(getReferenceBackend()));
afterAll(() => selectTestBackend());

const GREEDY: GenerationSettings = { temperature: 0, topP: 1, maxTokens: 12, stopTokenIds: [] };
const SAMPLED: GenerationSettings = { temperature: 1.2, topP: 0.9, maxTokens: 10, stopTokenIds: [] };

function prompts(count: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, index) => Array.from({ length: 3 + ((index * 7) % 11) }, () => rng.nextInt(256)));
}

function alone(model: LlamaModel, prompt: readonly number[], settings: GenerationSettings, seed: number): GeneratedTokens {
  const { tokens, text, finishReason } = generateTokens(model, prompt, settings, new Rng(seed));
  return { tokens, text, finishReason };
}

describe('forwardSegments', () => {
  it('gives each segment the logits its own cached forward gives, bit for bit', () => {
    const model = createTinyModel(5);
    const vocab = model.config.vocabSize;
    const first = new KeyValueCache(model.config, 1, 8);
    const second = new KeyValueCache(model.config, 1, 8);
    const reference = new KeyValueCache(model.config, 1, 8);
    noGrad(() => model.forward(Int32Array.from([1, 2, 3]), 1, 3, { cache: first }));
    noGrad(() => model.forward(Int32Array.from([1, 2, 3]), 1, 3, { cache: reference }));
    const logits = noGrad(() => model.forwardSegments(Int32Array.from([4, 5, 9, 8, 7, 6]), [{ cache: first, length: 2 }, { cache: second, length: 4 }])).data;
    const expectedFirst = noGrad(() => model.forward(Int32Array.from([4, 5]), 1, 2, { cache: reference })).data;
    const expectedSecond = noGrad(() => model.forward(Int32Array.from([9, 8, 7, 6]), 1, 4)).data;
    expect(logits.subarray(0, vocab)).toEqual(expectedFirst.subarray(vocab));
    expect(logits.subarray(vocab)).toEqual(expectedSecond.subarray(3 * vocab));
    expect([first.length, second.length]).toEqual([5, 4]);
    expect(() => model.forwardSegments(Int32Array.from([1, 2]), [{ cache: second, length: 1 }])).toThrow('the segments cover 1 tokens; ids holds 2');
  });
});

describe('BatchedGenerator', () => {
  it('decodes greedy prompts together token for token as one at a time, whatever the batch size', async () => {
    const model = createTinyModel(13);
    const inputs = prompts(9, 1);
    const expected = inputs.map((prompt, index) => alone(model, prompt, { ...GREEDY, maxTokens: 4 + index }, 0));
    for (const maxBatch of [1, 4, 16]) {
      const generator = new BatchedGenerator(model, { maxBatch });
      const results = await Promise.all(inputs.map((prompt, index) => generator.generate(prompt, { ...GREEDY, maxTokens: 4 + index }, new Rng(0))));
      expect(results).toEqual(expected);
      expect(generator.statistics.meanBatch).toBeLessThanOrEqual(maxBatch);
      if (maxBatch > 1) expect(generator.statistics.meanBatch).toBeGreaterThan(1);
    }
  });

  it('samples each call from its own seed, so a reply does not depend on the calls beside it', async () => {
    const model = createTinyModel(13);
    const inputs = prompts(6, 2);
    const expected = inputs.map((prompt, index) => alone(model, prompt, SAMPLED, 100 + index));
    const together = new BatchedGenerator(model);
    expect(await Promise.all(inputs.map((prompt, index) => together.generate(prompt, SAMPLED, new Rng(100 + index))))).toEqual(expected);
    // Reversed arrival order, two slots: other neighbours at every step, same replies.
    const narrow = new BatchedGenerator(model, { maxBatch: 2 });
    const reversed = await Promise.all([...inputs].reverse().map((prompt, index) => narrow.generate(prompt, SAMPLED, new Rng(100 + inputs.length - 1 - index))));
    expect(reversed.reverse()).toEqual(expected);
    expect(new Set(expected.map((result) => result.tokens.join(','))).size).toBe(inputs.length);
  });

  it('lets a caller come back for its next turn while the others keep decoding, reusing its cached prefix', async () => {
    const model = createTinyModel(17);
    const generator = new BatchedGenerator(model, { maxBatch: 3 });
    const inputs = prompts(5, 3);
    const runEpisode = async (prompt: number[], index: number): Promise<number[]> => {
      let context = prompt;
      for (let turn = 0; turn < 3; turn += 1) {
        const reply = await generator.generate(context, { ...GREEDY, maxTokens: 3 + index }, new Rng(0));
        // A "tool call" that takes a while, during which the other episodes decode.
        await new Promise((resolve) => setTimeout(resolve, index));
        context = [...context, ...reply.tokens, 10, 20 + turn];
      }
      return context;
    };
    const runAlone = (prompt: number[], index: number): number[] => {
      let context = prompt;
      for (let turn = 0; turn < 3; turn += 1) context = [...context, ...alone(model, context, { ...GREEDY, maxTokens: 3 + index }, 0).tokens, 10, 20 + turn];
      return context;
    };
    const results = await Promise.all(inputs.map(runEpisode));
    expect(results).toEqual(inputs.map(runAlone));
    // Turns two and three found their earlier turn's keys and values.
    expect(generator.statistics.reusedTokens).toBeGreaterThan(inputs.reduce((total, prompt) => total + 2 * prompt.length, 0));
  });

  it('prefills a prompt once for several samples of it, and stops on stop strings and stop tokens', async () => {
    const model = createTinyModel(13);
    const tokenizer = createTestTokenizer();
    const prompt = tokenizer.encode('<|im_start|>user\nhello there, how are you?<|im_end|>\n<|im_start|>assistant\n');
    const settings: GenerationSettings = { ...SAMPLED, temperature: 1.5, topP: 1, maxTokens: 8, decode: (ids) => tokenizer.decode(ids) };
    const generator = new BatchedGenerator(model);
    const samples = await Promise.all([0, 1, 2, 3].map((seed) => generator.generate(prompt, settings, new Rng(seed))));
    expect(samples).toEqual([0, 1, 2, 3].map((seed) => alone(model, prompt, settings, seed)));
    expect(generator.statistics.forwardTokens).toBeLessThan(prompt.length + 4 * 8 + 4);
    expect(samples.every((sample) => sample.finishReason === 'length' && sample.tokens.length === 8)).toBe(true);
    const stop = samples[0].text.slice(3, 4);
    const stopped = await generator.generate(prompt, { ...settings, stopStrings: [stop] }, new Rng(0));
    expect(stopped).toMatchObject({ finishReason: 'stop', text: samples[0].text.slice(0, samples[0].text.indexOf(stop)) });
    const byToken = await generator.generate(prompt, { ...settings, stopTokenIds: [samples[1].tokens[2]] }, new Rng(1));
    expect(byToken).toEqual({ tokens: samples[1].tokens.slice(0, 2), text: tokenizer.decode(samples[1].tokens.slice(0, 2)), finishReason: 'stop' });
  });

  it('rejects a bad call with a clear error and goes on serving the others', async () => {
    const model = createTinyModel(13, { max_position_embeddings: 32 });
    const generator = new BatchedGenerator(model);
    const good = generator.generate([1, 2, 3], GREEDY, new Rng(0));
    await expect(generator.generate([], GREEDY, new Rng(0))).rejects.toThrow('the prompt is empty');
    await expect(generator.generate(Array.from({ length: 32 }, () => 1), GREEDY, new Rng(0))).rejects.toThrow('leaving no room under max_position_embeddings 32');
    expect(await good).toEqual(alone(model, [1, 2, 3], GREEDY, 0));
  });

  it('samples groups of replies (swirl states) the same together as each group alone', async () => {
    const model = createTinyModel(13);
    const tokenizer = createTestTokenizer();
    const settings = { temperature: 1.3, topP: 1, maxTokens: 6 };
    const states = ['first state', 'second, longer state'].map((content) => [{ role: 'user' as const, content }]);
    const together = new BatchedGenerator(model);
    const groups = await Promise.all(states.map((messages, index) => generateReplies(together, tokenizer, messages, 3, settings, 50 + index)));
    for (const [index, messages] of states.entries()) {
      const alone = await generateReplies(new BatchedGenerator(model), tokenizer, messages, 3, settings, 50 + index);
      expect(groups[index]).toEqual(alone);
      const prompt = alone[0].promptTokens;
      const first = generateTokens(model, prompt, { ...settings, stopTokenIds: tokenizer.stopTokenIds }, new Rng(deriveSampleSeed(50 + index, 0)));
      expect(alone[0].tokens).toEqual(first.tokens);
    }
    expect(new Set(groups.flat().map((reply) => reply.text)).size).toBeGreaterThan(2);
  });

  it.each(FAMILY_FIXTURE_NAMES)('decodes the %s fixture batched token for token as one at a time (its windows, caps and norms included)', async (name) => {
    const model = await loadFamilyModel(name);
    const inputs = prompts(4, 9).map((prompt) => prompt.map((token) => token % model.config.vocabSize));
    const expected = inputs.map((prompt) => alone(model, prompt, { ...GREEDY, maxTokens: 10 }, 0));
    const generator = new BatchedGenerator(model);
    expect(await Promise.all(inputs.map((prompt) => generator.generate(prompt, { ...GREEDY, maxTokens: 10 }, new Rng(0))))).toEqual(expected);
  });
});
