import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { createLocalSource } from '../../../containers/trainer/src/model/model-source';
import { LoraAdapter } from '../../../containers/trainer/src/lora/lora-adapter';
import { SftObjective, SupervisedExample } from '../../../containers/trainer/src/objectives/sft-objective';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { LoopSettings, runTrainLoop } from '../../../containers/trainer/src/train/train-loop';
import { createTestTokenizer, createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

const examples: SupervisedExample[] = Array.from({ length: 12 }, (_, index) => ({
  context: [{ role: 'user', content: `add ${index} and ${index + 1}` }],
  action: `${2 * index + 1}`,
}));

const settings: LoopSettings = {
  maxSteps: 8, batchSize: 3, gradientAccumulation: 2, gradientClip: 1, learningRate: 1e-2, warmupSteps: 2,
  weightDecay: 0.01, seed: 99, checkpointEvery: 3,
};

function createLoraModel(): LlamaModel {
  const model = createTinyModel(21);
  model.adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj', 'down_proj'] }, new Rng(5));
  return model;
}

async function temporaryDirectory(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'swirl-train-'));
}

describe('runTrainLoop', () => {
  it('lowers the sft loss on a toy task (full weights)', async () => {
    const model = createTinyModel(4);
    model.setBaseTrainable(true);
    const result = await runTrainLoop({
      records: examples.slice(0, 4),
      objective: new SftObjective(model, createTestTokenizer(), 128),
      parameters: model.weights,
      settings: { ...settings, maxSteps: 25, batchSize: 4, gradientAccumulation: 1, checkpointEvery: 1000, warmupSteps: 0 },
      output: null,
    });
    const losses = result.metrics.map((entry) => entry.loss);
    expect(losses[0]).toBeGreaterThan(4);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    expect(result.metrics.every((entry) => entry.tokensPerSecond > 0 && entry.learningRate > 0)).toBe(true);
  });

  it('resumes from a checkpoint with the same losses, step for step, as an uninterrupted run (LoRA, dropout)', async () => {
    const uninterruptedModel = createLoraModel();
    const uninterrupted = await runTrainLoop({
      records: examples,
      objective: new SftObjective(uninterruptedModel, createTestTokenizer(), 128),
      parameters: uninterruptedModel.adapter!.namedParameters(),
      settings,
      output: createLocalSource(await temporaryDirectory()),
    });
    expect(uninterrupted.completedSteps).toBe(8);

    const directory = await temporaryDirectory();
    const firstModel = createLoraModel();
    let steps = 0;
    const first = await runTrainLoop({
      records: examples,
      objective: new SftObjective(firstModel, createTestTokenizer(), 128),
      parameters: firstModel.adapter!.namedParameters(),
      settings,
      output: createLocalSource(directory),
      // SIGTERM arriving during step 5: checkpoint at 5 (not a multiple of checkpointEvery) and stop.
      shouldStop: () => ++steps === 5,
    });
    expect(first.interrupted).toBe(true);
    expect(first.completedSteps).toBe(5);

    const resumedModel = createLoraModel();
    const resumed = await runTrainLoop({
      records: examples,
      objective: new SftObjective(resumedModel, createTestTokenizer(), 128),
      parameters: resumedModel.adapter!.namedParameters(),
      settings,
      output: createLocalSource(directory),
    });
    expect(resumed.resumedFromStep).toBe(5);
    expect(resumed.metrics.map((entry) => entry.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(resumed.metrics.map((entry) => entry.loss)).toEqual(uninterrupted.metrics.map((entry) => entry.loss));
    const finalWeights = [...resumedModel.adapter!.namedParameters().values()].map((tensor) => Array.from(tensor.data));
    expect(finalWeights).toEqual([...uninterruptedModel.adapter!.namedParameters().values()].map((tensor) => Array.from(tensor.data)));
    const metricsFile = await fs.readFile(path.join(directory, 'metrics.jsonl'), 'utf8');
    expect(metricsFile.trim().split('\n')).toHaveLength(8);
  });

  it('after a hard crash, resumes from the last periodic checkpoint and drops the metrics written after it', async () => {
    const run = async (directory: string, stopAt: number | null) => {
      const model = createLoraModel();
      let steps = 0;
      return runTrainLoop({
        records: examples,
        objective: new SftObjective(model, createTestTokenizer(), 128),
        parameters: model.adapter!.namedParameters(),
        settings,
        output: createLocalSource(directory),
        shouldStop: () => ++steps === stopAt,
      });
    };
    const uninterrupted = await run(await temporaryDirectory(), null);
    const directory = await temporaryDirectory();
    await run(directory, 5);
    // As if the process died during step 5 before saving: only the step-3 checkpoint is in force.
    await fs.writeFile(path.join(directory, 'checkpoints/latest.json'), JSON.stringify({ step: 3, directory: 'checkpoints/step-000003' }));
    expect((await fs.readFile(path.join(directory, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(5);
    const resumed = await run(directory, null);
    expect(resumed.resumedFromStep).toBe(3);
    expect(resumed.metrics.map((entry) => entry.loss)).toEqual(uninterrupted.metrics.map((entry) => entry.loss));
    expect((await fs.readFile(path.join(directory, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line).step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses to resume a checkpoint written with other settings', async () => {
    const directory = await temporaryDirectory();
    const model = createLoraModel();
    const run = (learningRate: number) => runTrainLoop({
      records: examples,
      objective: new SftObjective(model, createTestTokenizer(), 128),
      parameters: model.adapter!.namedParameters(),
      settings: { ...settings, maxSteps: 3, learningRate },
      output: createLocalSource(directory),
    });
    await run(1e-2);
    await expect(run(2e-2)).rejects.toThrow(/other settings or data/);
  });
});
