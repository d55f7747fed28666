import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProvider } from '../../../core/providers/create-provider';
import { ModelConfigSchema } from '../../../core/schemas/model-config';
import { LoraAdapter } from '../../../containers/trainer/src/lora/lora-adapter';
import { saveAdapter } from '../../../containers/trainer/src/lora/save-adapter';
import { createLocalSource } from '../../../containers/trainer/src/model/model-source';
import { saveModel } from '../../../containers/trainer/src/model/save-model';
import { clearTrainerModelCache, registerTrainerProvider } from '../../../containers/trainer/src/serve/trainer-provider';
import { getEmulatedDevice } from '../../../containers/trainer/src/tensor/devices/select-device';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { createByteLevelTokenizerConfig, createByteLevelTokenizerJson } from '../../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { createTinyModel, selectTestBackend } from '../tiny-model';

const messages = [{ role: 'user' as const, content: 'What is 2+2?' }];

describe('trainer model provider', () => {
  let modelDirectory: string;
  let adapterDirectory: string;

  beforeAll(async () => {
    selectTestBackend();
    registerTrainerProvider({ store: null });
    modelDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-provider-model-'));
    adapterDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-provider-adapter-'));
    const model = createTinyModel(17);
    await saveModel(model, createLocalSource(modelDirectory), { tokenizerJson: createByteLevelTokenizerJson(), tokenizerConfig: createByteLevelTokenizerConfig() });
    const adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 16, dropout: 0, targets: ['q_proj', 'o_proj', 'down_proj'] }, new Rng(2));
    const rng = new Rng(4);
    for (const pair of adapter.pairs.values()) pair.b.data.forEach((_, index) => { pair.b.data[index] = rng.nextNormal(); });
    await saveAdapter(adapter, createLocalSource(adapterDirectory), modelDirectory);
  });
  afterAll(() => clearTrainerModelCache());

  it('is created through createProvider and replays a seeded call', async () => {
    const provider = createProvider(ModelConfigSchema.parse({ provider: 'trainer', model: modelDirectory, maxTokens: 12 }));
    expect(provider.id).toBe(`trainer:${modelDirectory}`);
    const first = await provider.generate(messages, { seed: 5, temperature: 1 });
    const second = await provider.generate(messages, { seed: 5, temperature: 1 });
    expect(second).toEqual(first);
    expect(first.usage.inputTokens).toBeGreaterThan(10);
    expect(first.usage.outputTokens).toBeGreaterThan(0);
    expect(first.usage.outputTokens).toBeLessThanOrEqual(12);
    if (first.finishReason === 'length') expect(first.usage.outputTokens).toBe(12);
  });

  it('decodes concurrent calls together with the replies each gives alone', async () => {
    const provider = createProvider(ModelConfigSchema.parse({ provider: 'trainer', model: modelDirectory, temperature: 1, maxTokens: 10 }));
    const conversations = [0, 1, 2, 3, 4, 5].map((index) => [{ role: 'user' as const, content: `Question ${index}: what is ${index} + ${index * 3}?` }]);
    const together = await Promise.all(conversations.map((conversation, index) => provider.generate(conversation, { seed: 40 + index })));
    const oneByOne = [];
    for (const [index, conversation] of conversations.entries()) oneByOne.push(await provider.generate(conversation, { seed: 40 + index }));
    expect(together).toEqual(oneByOne);
    expect(new Set(together.map((reply) => reply.text)).size).toBeGreaterThan(1);
  });

  it('applies the adapter and honours max tokens and stop strings', async () => {
    const base = createProvider(ModelConfigSchema.parse({ provider: 'trainer', model: modelDirectory, temperature: 0, maxTokens: 8 }));
    const adapted = createProvider(ModelConfigSchema.parse({ provider: 'trainer', model: modelDirectory, adapter: adapterDirectory, temperature: 0, maxTokens: 8 }));
    const baseReply = await base.generate(messages);
    const adaptedReply = await adapted.generate(messages);
    expect(adaptedReply.text).not.toEqual(baseReply.text);
    const limited = await base.generate(messages, { maxTokens: 3 });
    expect(limited.usage.outputTokens).toBeLessThanOrEqual(3);
    const full = await base.generate(messages, { maxTokens: 8 });
    const stopAt = full.text.slice(2, 3);
    if (full.finishReason === 'length' && stopAt) {
      const stopped = await base.generate(messages, { maxTokens: 8, stop: [stopAt] });
      expect(stopped.finishReason).toBe('stop');
      expect(stopped.text).toBe(full.text.slice(0, full.text.indexOf(stopAt)));
    }
  });

  it('reports a missing model directory with its path', async () => {
    const provider = createProvider(ModelConfigSchema.parse({ provider: 'trainer', model: '/nonexistent/model' }));
    await expect(provider.generate(messages)).rejects.toThrow('/nonexistent/model: expected file config.json');
  });
});

describe('trainer model provider on a device table', () => {
  const previousDevice = process.env.SWIRL_DEVICE;
  afterAll(() => {
    if (previousDevice === undefined) delete process.env.SWIRL_DEVICE;
    else process.env.SWIRL_DEVICE = previousDevice;
    clearTrainerModelCache();
  });

  it('serves the model from the device with the replies the host gives', async () => {
    selectTestBackend();
    registerTrainerProvider({ store: null });
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-provider-device-'));
    await saveModel(createTinyModel(23), createLocalSource(directory), { tokenizerJson: createByteLevelTokenizerJson(), tokenizerConfig: createByteLevelTokenizerConfig() });
    const config = ModelConfigSchema.parse({ provider: 'trainer', model: directory, maxTokens: 10 });
    const replies: unknown[] = [];
    for (const device of ['cpu', 'emulated']) {
      process.env.SWIRL_DEVICE = device;
      const provider = createProvider(config);
      replies.push(await Promise.all([3, 4, 5].map((seed) => provider.generate(messages, { seed, temperature: 1 }))));
    }
    expect(replies[1]).toEqual(replies[0]);
    // The weights went up once and the replies' tokens came down from the device.
    const moved = getEmulatedDevice().transfers();
    expect(moved.uploadBytes).toBeGreaterThan(createTinyModel(23).parameterCount() * 4 - 1);
    expect(moved.downloadBytes).toBeGreaterThan(0);
  });
});
