import { generateSamples } from '../../../containers/trainer/src/generate/generate-samples';
import { generateTokens } from '../../../containers/trainer/src/generate/generate-tokens';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { createTestTokenizer, createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

describe('batched sampling', () => {
  it('decodes each row of a batch like a single sequence', () => {
    const model = createTinyModel(13);
    const prompt = [257, 117, 115, 101, 114, 10, 104, 105];
    const greedy = generateTokens(model, prompt, { temperature: 0, topP: 1, maxTokens: 10, stopTokenIds: [] }, new Rng(0));
    const batch = generateSamples(model, prompt, 3, { temperature: 0, topP: 1, maxTokens: 10, stopTokenIds: [] }, new Rng(0));
    expect(batch.map((row) => row.tokens)).toEqual([greedy.tokens, greedy.tokens, greedy.tokens]);
  });

  it('samples different rows, replays under a seed, and honours stop strings and max tokens', () => {
    const model = createTinyModel(13);
    const tokenizer = createTestTokenizer();
    const prompt = tokenizer.encode('<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
    const settings = { temperature: 1.5, topP: 1, maxTokens: 8, stopTokenIds: [], decode: (ids: readonly number[]) => tokenizer.decode(ids) };
    const first = generateSamples(model, prompt, 4, settings, new Rng(7));
    expect(generateSamples(model, prompt, 4, settings, new Rng(7))).toEqual(first);
    expect(new Set(first.map((row) => row.text)).size).toBeGreaterThan(1);
    expect(first.every((row) => row.tokens.length === 8 && row.finishReason === 'length')).toBe(true);
    const stop = first[0].text.slice(3, 4);
    const stopped = generateSamples(model, prompt, 4, { ...settings, stopStrings: [stop] }, new Rng(7));
    expect(stopped[0].finishReason).toBe('stop');
    expect(stopped[0].text).toBe(first[0].text.slice(0, first[0].text.indexOf(stop)));
  });
});
