import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateReply } from '../../../containers/trainer/src/generate/generate-reply';
import { loadModel } from '../../../containers/trainer/src/model/load-model';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { trainModelFromScratch } from '../../../containers/trainer/src/train/train-from-scratch';
import { selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

describe('trainModelFromScratch', () => {
  it('learns chat demonstrations well enough to reproduce them greedily, and saves a loadable model', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-scratch-'));
    const examples = [
      { context: [{ role: 'user' as const, content: 'ping' }], action: 'pong' },
      { context: [{ role: 'user' as const, content: 'sum 1 2' }], action: '<answer>3</answer>' },
    ];
    const result = await trainModelFromScratch({
      examples,
      outputDirectory: directory,
      size: { hiddenSize: 32, intermediateSize: 64, layerCount: 2, headCount: 4, keyValueHeadCount: 2, maxPositions: 64 },
      settings: { maxSteps: 80, batchSize: 2, learningRate: 1e-2, warmupSteps: 5 },
    });
    expect(result.metrics[result.metrics.length - 1].loss).toBeLessThan(0.2 * result.metrics[0].loss);
    const { model, tokenizer } = await loadModel(directory, null);
    expect(model.parameterCount()).toBe(result.parameterCount);
    for (const example of examples) {
      const reply = generateReply(model, tokenizer, example.context, { temperature: 0, topP: 1, maxTokens: 30 }, new Rng(0));
      expect(reply.text).toBe(example.action);
      expect(reply.finishReason).toBe('stop');
    }
  });
});
