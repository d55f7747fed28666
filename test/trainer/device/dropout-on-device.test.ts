// Dropout on a device table: one seed per call expands into the mask where the tensor lives (nothing uploaded), the
// same mask bit for bit as the host's, replayed under the run's Rng (checkpointed reruns too), and a LoRA step with
// dropout moves no more than one without.
import { LoraAdapter } from '../../../containers/trainer/src/lora/lora-adapter';
import type { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { accumulateWeightedNll } from '../../../containers/trainer/src/objectives/accumulate-weighted-nll';
import { createTokenBatch } from '../../../containers/trainer/src/objectives/encode-record';
import { Tensor, backward, fromArray } from '../../../containers/trainer/src/tensor';
import { dropout, sum } from '../../../containers/trainer/src/tensor/ops';
import { EmulatedDevice } from '../../../containers/trainer/src/tensor/devices/emulated-device';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

const SIZE = 20000;
const input = Float32Array.from({ length: SIZE }, (_value, index) => 1 + (index % 7));

function dropOn(device: EmulatedDevice | null, probability: number, seed: number): { output: Float32Array; grad: Float32Array } {
  const x = new Tensor(input.slice(), [SIZE], { requiresGrad: true });
  const placed = device ? x.toDevice(device) : x;
  const out = dropout(placed, probability, new Rng(seed));
  backward(sum(out));
  const grad = placed.gradBuffer!;
  return { output: out.toHost().slice(), grad: grad instanceof Float32Array ? grad.slice() : grad.table.download(grad) };
}

describe('dropout', () => {
  it('draws its mask on the device from one seed: forward and backward upload nothing', () => {
    const device = new EmulatedDevice();
    const x = new Tensor(input.slice(), [SIZE], { requiresGrad: true }).toDevice(device);
    const before = device.transfers();
    const out = dropout(x, 0.3, new Rng(5));
    backward(sum(out));
    expect(device.transfers().uploads).toBe(before.uploads);
    expect(device.transfers().uploadBytes).toBe(before.uploadBytes);
  });

  it('gives the host the same mask as the device, bit for bit, and the same again under the same seed', () => {
    const host = dropOn(null, 0.3, 5);
    const onDevice = dropOn(new EmulatedDevice(), 0.3, 5);
    expect(Array.from(onDevice.output)).toEqual(Array.from(host.output));
    expect(Array.from(onDevice.grad)).toEqual(Array.from(host.grad));
    expect(Array.from(dropOn(null, 0.3, 5).output)).toEqual(Array.from(host.output));
  });

  it('drops about p of the elements, scales the rest by 1/(1 − p), and differs from seed to seed and call to call', () => {
    const { output, grad } = dropOn(null, 0.3, 5);
    const dropped = output.filter((value) => value === 0).length / SIZE;
    expect(Math.abs(dropped - 0.3)).toBeLessThan(0.015);
    expect(output.filter((value, index) => value !== 0 && Math.abs(value - input[index] / 0.7) > 1e-5).length).toBe(0);
    expect(grad.filter((value, index) => (value === 0) !== (output[index] === 0)).length).toBe(0);
    expect(Array.from(dropOn(null, 0.3, 6).output)).not.toEqual(Array.from(output));
    const rng = new Rng(5);
    const x = fromArray(Array.from(input), [SIZE]);
    expect(Array.from(dropout(x, 0.3, rng).data)).not.toEqual(Array.from(dropout(x, 0.3, rng).data));
  });

  it('uploads the same mask where a table has no dropoutMask kernel', () => {
    const device = new EmulatedDevice();
    Object.defineProperty(device, 'dropoutMask', { value: undefined });
    const before = device.transfers().uploadBytes;
    const x = fromArray(Array.from(input), [SIZE]).toDevice(device);
    const afterInput = device.transfers().uploadBytes;
    const output = dropout(x, 0.3, new Rng(5)).toHost();
    expect(device.transfers().uploadBytes - afterInput).toBe(4 * SIZE);
    expect(afterInput - before).toBe(4 * SIZE);
    expect(Array.from(output)).toEqual(Array.from(dropOn(null, 0.3, 5).output));
  });

  it('adds nothing to what a LoRA training step uploads, checkpointed or not', () => {
    const uploaded = [[0, false], [0.2, false], [0.2, true]].map(([probability, checkpointing]) => {
      const device = new EmulatedDevice();
      const model = createLoraModel(probability as number).toDevice(device);
      model.gradientCheckpointing = checkpointing as boolean;
      const before = device.transfers();
      device.withScope(() => accumulateWeightedNll(model, batch, 0.5, new Rng(77)));
      const after = device.transfers();
      return { uploads: after.uploads - before.uploads, uploadBytes: after.uploadBytes - before.uploadBytes };
    });
    expect(uploaded[1]).toEqual(uploaded[0]);
    expect(uploaded[2]).toEqual(uploaded[0]);
  });

  // The device sums in another order than the host, so values agree to rounding; a different mask would differ at once.
  it('gives a checkpointed LoRA step on the device the loss and gradients of the host (the same masks, replayed in the rerun)', () => {
    const hostModel = createLoraModel(0.2);
    const host = accumulateWeightedNll(hostModel, batch, 0.5, new Rng(77));
    const device = new EmulatedDevice();
    const model = createLoraModel(0.2).toDevice(device);
    model.gradientCheckpointing = true;
    const resident = device.withScope(() => accumulateWeightedNll(model, batch, 0.5, new Rng(77)));
    expect(Math.abs(resident.loss - host.loss)).toBeLessThan(1e-6);
    const hostParameters = hostModel.adapter!.namedParameters();
    for (const [name, tensor] of model.adapter!.namedParameters()) {
      const grad = tensor.gradBuffer!;
      const actual = grad instanceof Float32Array ? grad : grad.table.download(grad);
      const expected = hostParameters.get(name)!.grad!;
      const scale = Math.max(...expected.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect({ name, worst: Math.max(...actual.map((value, index) => Math.abs(value - expected[index]))) / scale < 1e-4 }).toEqual({ name, worst: true });
    }
  });
});

const batch = createTokenBatch([[12, 40, 41, 90, 7, 7, 33], [5, 6, 7, 8]].map((tokens) => ({ tokens, weights: tokens.map((_token, index) => (index === 0 ? 0 : 1)), promptLength: 1 })), 0);

/** A tiny LoRA model whose B matrices are trained (non-zero), so every adapter gradient is too. */
function createLoraModel(probability: number): LlamaModel {
  const model = createTinyModel(31);
  model.adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 8, dropout: probability, targets: ['q_proj', 'o_proj', 'gate_proj', 'down_proj'] }, new Rng(8));
  const rng = new Rng(9);
  for (const { b } of model.adapter.pairs.values()) for (let index = 0; index < b.size; index += 1) b.data[index] = rng.nextNormal() * 0.05;
  return model;
}
