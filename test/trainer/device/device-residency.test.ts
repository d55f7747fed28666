// Residency on a device table (the emulated one, which counts every transfer): after the first step a training step
// moves only its inputs and a few scalars, generation only ids, and results match the host's.
import { BatchedGenerator } from '../../../containers/trainer/src/generate/batched-generator';
import { generateTokens } from '../../../containers/trainer/src/generate/generate-tokens';
import { LoraAdapter } from '../../../containers/trainer/src/lora/lora-adapter';
import type { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { SftObjective, SupervisedExample } from '../../../containers/trainer/src/objectives/sft-objective';
import type { TransferCounts } from '../../../containers/trainer/src/tensor/device';
import { EmulatedDevice } from '../../../containers/trainer/src/tensor/devices/emulated-device';
import { add } from '../../../containers/trainer/src/tensor/ops';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { LoopSettings, runTrainLoop } from '../../../containers/trainer/src/train/train-loop';
import { createTestTokenizer, createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

const examples: SupervisedExample[] = Array.from({ length: 8 }, (_, index) => ({
  context: [{ role: 'user', content: `add ${index} and ${index + 2}` }],
  action: `${2 * index + 2}`,
}));

const settings: LoopSettings = {
  maxSteps: 4, batchSize: 4, gradientAccumulation: 1, gradientClip: 1, learningRate: 1e-2, warmupSteps: 0,
  weightDecay: 0.01, seed: 3, checkpointEvery: 1000,
};

function createLoraModel(): LlamaModel {
  const model = createTinyModel(11);
  // With dropout: its masks are drawn on the device from one seed each, so they add nothing to what a step moves.
  model.adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj', 'up_proj', 'down_proj'] }, new Rng(2));
  return model;
}

function difference(after: TransferCounts, before: TransferCounts): TransferCounts {
  return {
    uploads: after.uploads - before.uploads, uploadBytes: after.uploadBytes - before.uploadBytes,
    downloads: after.downloads - before.downloads, downloadBytes: after.downloadBytes - before.downloadBytes,
    indexUploads: after.indexUploads - before.indexUploads, indexBytes: after.indexBytes - before.indexBytes,
  };
}

describe('a LoRA model resident on a device table', () => {
  it('trains step for step like the host, and after the first step moves only its inputs and two scalars', async () => {
    const hostModel = createLoraModel();
    const host = await runTrainLoop({ records: examples, objective: new SftObjective(hostModel, createTestTokenizer(), 64), parameters: hostModel.adapter!.namedParameters(), settings, output: null });

    const device = new EmulatedDevice();
    const model = createLoraModel().toDevice(device);
    const parameters = model.adapter!.namedParameters();
    expect([...parameters.values()].every((tensor) => tensor.device === device)).toBe(true);
    const perStep: TransferCounts[] = [];
    const memory: number[] = [];
    let previous = device.transfers();
    const resident = await runTrainLoop({
      records: examples, objective: new SftObjective(model, createTestTokenizer(), 64), parameters, settings, output: null,
      onStep: () => {
        const now = device.transfers();
        perStep.push(difference(now, previous));
        memory.push(device.memory().currentBytes);
        previous = now;
      },
    });

    resident.metrics.forEach((entry, index) => {
      expect(entry.loss).toBeCloseTo(host.metrics[index].loss, 5);
      expect(entry.gradientNorm).toBeCloseTo(host.metrics[index].gradientNorm, 5);
      expect(entry.devicePeakBytes).toBeGreaterThan(0);
      expect(entry.deviceBytes).toBeLessThanOrEqual(entry.devicePeakBytes!);
    });
    for (const [name, tensor] of model.adapter!.namedParameters()) {
      const expected = hostModel.adapter!.namedParameters().get(name)!.data;
      const actual = tensor.toHost();
      for (let index = 0; index < expected.length; index += 1) expect(Math.abs(actual[index] - expected[index])).toBeLessThan(1e-5);
    }
    for (const step of perStep.slice(1)) {
      // Down: the loss and the gradient norm, one float64 sum and one float32 each at most.
      expect(step.downloadBytes).toBeLessThanOrEqual(16);
      // Up: no float at all (SFT's 0/1 loss mask is a constant made on the device, dropout's mask too); only the
      // batch's ids, targets and positions as integers.
      expect(step.uploadBytes).toBe(0);
      expect(step.indexBytes).toBeLessThanOrEqual(3 * 4 * settings.batchSize * 64);
    }
    // Every step's activations are released: memory after each step is the same (parameters, gradients, moments).
    expect(new Set(memory.slice(1)).size).toBe(1);
    expect(device.memory().reusedAllocations).toBeGreaterThan(0);
  });

  it('generates the same tokens as the host, and a decode step downloads only the sampled ids', async () => {
    const prompts = [[5, 9, 30, 31], [7, 7, 8], [100, 101, 102, 103, 104]];
    const generation = { temperature: 0.8, topP: 0.9, maxTokens: 6, stopTokenIds: [] };
    const hostModel = createLoraModel();
    const expected = prompts.map((prompt, index) => generateTokens(hostModel, prompt, generation, new Rng(40 + index)).tokens);

    const device = new EmulatedDevice();
    const model = createLoraModel().toDevice(device);
    const single = prompts.map((prompt, index) => generateTokens(model, prompt, generation, new Rng(40 + index)).tokens);
    expect(single).toEqual(expected);

    const generator = new BatchedGenerator(model);
    const before = device.transfers();
    const batched = await Promise.all(prompts.map((prompt, index) => generator.generate(prompt, generation, new Rng(40 + index))));
    const moved = difference(device.transfers(), before);
    expect(batched.map((result) => result.tokens)).toEqual(expected);
    const generatedTokens = batched.reduce((total, result) => total + result.tokens.length, 0);
    // One int32 id per sequence per decode step comes back; up go the ids fed, their positions and each row's
    // temperature, top-p and draw.
    expect(moved.downloadBytes).toBe(4 * generatedTokens);
    expect(moved.uploadBytes).toBe(3 * 8 * generatedTokens);
  });

  it('refuses an op across devices and a buffer used after its scope ended', () => {
    const device = new EmulatedDevice();
    const model = createLoraModel();
    const moved = createLoraModel().toDevice(device);
    expect(() => model.forward(Int32Array.of(1, 2), 1, 2, {})).not.toThrow();
    const hostTensor = model.weights.get('model.norm.weight')!;
    const deviceTensor = moved.weights.get('model.norm.weight')!;
    expect(() => deviceTensor.data).toThrow(/lives on emulated:\d+; read it with toHost\(\)/);
    // The op names both devices instead of copying one operand across.
    expect(() => add(hostTensor, deviceTensor)).toThrow(/cpu.*emulated|emulated.*cpu/);
    const escaped = device.withScope(() => device.allocate(16));
    expect(() => device.download(escaped)).toThrow(/used after its device scope ended/);
  });
});

