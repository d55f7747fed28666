// Gradient checkpointing gives the very gradients of a plain backward pass (dropout replayed), with less activation memory.
import { LoraAdapter } from '../../../containers/trainer/src/lora/lora-adapter';
import type { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { accumulateWeightedNll } from '../../../containers/trainer/src/objectives/accumulate-weighted-nll';
import { createTokenBatch } from '../../../containers/trainer/src/objectives/encode-record';
import type { Tensor } from '../../../containers/trainer/src/tensor/tensor';
import { EmulatedDevice } from '../../../containers/trainer/src/tensor/devices/emulated-device';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

const batch = createTokenBatch(
  [[12, 40, 41, 90, 7, 7, 33], [5, 6, 7, 8], [100, 3, 3, 3, 3, 3]].map((tokens) => ({ tokens, weights: tokens.map((_token, index) => (index === 0 ? 0 : 1)), promptLength: 1 })),
  0,
);

function createModel(lora: boolean): LlamaModel {
  const model = createTinyModel(31, { num_hidden_layers: 3 });
  if (lora) {
    model.adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 8, dropout: 0.2, targets: ['q_proj', 'o_proj', 'gate_proj', 'down_proj'] }, new Rng(8));
    // B starts at zero, which would leave every A gradient zero: a trained adapter tests both.
    const rng = new Rng(9);
    for (const { b } of model.adapter.pairs.values()) for (let index = 0; index < b.size; index += 1) b.data[index] = rng.nextNormal() * 0.05;
  } else model.setBaseTrainable(true);
  return model;
}

function trainable(model: LlamaModel): Map<string, Tensor> {
  return model.adapter ? model.adapter.namedParameters() : model.weights;
}

function gradientsOf(model: LlamaModel, checkpointing: boolean): { loss: number; gradients: Map<string, Float32Array> } {
  model.gradientCheckpointing = checkpointing;
  const { loss } = accumulateWeightedNll(model, batch, 0.5, new Rng(77));
  const gradients = new Map([...trainable(model)].map(([name, tensor]) => [name, kernelsCopy(tensor)]));
  return { loss, gradients };
}

function kernelsCopy(tensor: Tensor): Float32Array {
  const grad = tensor.gradBuffer;
  if (grad === null) return new Float32Array(0);
  return grad instanceof Float32Array ? grad.slice() : grad.table.download(grad);
}

describe('gradient checkpointing', () => {
  it.each([['LoRA with dropout', true], ['every weight', false]])('reproduces the loss and every gradient exactly (%s)', (_label, lora) => {
    const plain = gradientsOf(createModel(lora), false);
    const checkpointed = gradientsOf(createModel(lora), true);
    expect(checkpointed.loss).toBe(plain.loss);
    expect(checkpointed.gradients.size).toBe(plain.gradients.size);
    for (const [name, gradient] of plain.gradients) {
      expect(gradient.some((value) => value !== 0)).toBe(true);
      expect(Array.from(checkpointed.gradients.get(name)!)).toEqual(Array.from(gradient));
    }
  });

  it('lowers the peak device memory of a step and gives the same gradients on a device', () => {
    const peaks: number[] = [];
    const results: ReturnType<typeof gradientsOf>[] = [];
    for (const checkpointing of [false, true]) {
      const device = new EmulatedDevice();
      const model = createModel(true).toDevice(device);
      results.push(device.withScope(() => gradientsOf(model, checkpointing)));
      peaks.push(device.memory().peakBytes);
    }
    expect(peaks[1]).toBeLessThan(peaks[0]);
    for (const [name, gradient] of results[0].gradients) expect(Array.from(results[1].gradients.get(name)!)).toEqual(Array.from(gradient));
  });
});
