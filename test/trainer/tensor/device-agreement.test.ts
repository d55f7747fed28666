// Every op case, the frozen bf16 ops and a decoder training step run the same code on the host and on the emulated
// device table (and on the CUDA table where a GPU is): equal values and gradients, and nothing downloaded on the
// device between the inputs going up and the results coming back.
import { Tensor, Rng, backward, fromArray, parameter, scalar } from '../../../containers/trainer/src/tensor';
import { add, clipGradNorm, crossEntropy, geglu, matmul, mul, sum } from '../../../containers/trainer/src/tensor/ops';
import { kernelsOfBuffer, type DeviceTable } from '../../../containers/trainer/src/tensor/device';
import { loadCudaDevice } from '../../../containers/trainer/src/tensor/backends/native-backend';
import { EmulatedDevice } from '../../../containers/trainer/src/tensor/devices/emulated-device';
import { embeddingBfloat16, matmulBfloat16 } from '../../../containers/trainer/src/model/bfloat16-ops';
import { Bfloat16Tensor } from '../../../containers/trainer/src/model/bfloat16-weight';
import { float32ToBfloat16 } from '../../../containers/trainer/src/safetensors/bfloat16';
import { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { createTinyModel } from '../tiny-model';
import { OP_CASES, type OpCase } from './op-cases';

interface Result {
  output: Float32Array;
  grads: (Float32Array | null)[];
  downloadBytes: number;
}

function drawInputs(opCase: OpCase, seed: number): { values: Float32Array[]; upstream: (size: number) => Float32Array } {
  const rng = new Rng(seed);
  const values64 = opCase.shapes.map((shape) => Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.nextNormal()));
  opCase.prepare?.(values64);
  return { values: values64.map((values) => Float32Array.from(values)), upstream: (size) => Float32Array.from({ length: size }, () => rng.nextNormal()) };
}

/** Forward and backward of one case where `device` says; the inputs and the upstream gradient are placed there first. */
function runCase(opCase: OpCase, seed: number, device: DeviceTable | null): Result {
  const { values, upstream } = drawInputs(opCase, seed);
  const hostInputs = values.map((data, i) => new Tensor(data, opCase.shapes[i], { requiresGrad: opCase.differentiable?.[i] ?? true }));
  const inputs = device ? hostInputs.map((input) => input.toDevice(device)) : hostInputs;
  const before = device?.transfers().downloadBytes ?? 0;
  const out = opCase.run(inputs);
  const probe = fromArray(upstream(out.size), out.shape);
  backward(sum(mul(out, device ? probe.toDevice(device) : probe)));
  const downloadBytes = (device?.transfers().downloadBytes ?? 0) - before;
  const readBack = (buffer: Tensor['gradBuffer']): Float32Array | null => (buffer === null ? null : kernelsOfBuffer(buffer).download(buffer).slice());
  return { output: out.toHost().slice(), grads: inputs.map((input) => readBack(input.gradBuffer)), downloadBytes };
}

function largestDifference(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  return worst;
}

describe('ops on the emulated device agree with the host', () => {
  it.each(OP_CASES.map((opCase, index) => [opCase.name, opCase, index] as const))('%s: values, gradients, and no download', (_name, opCase, index) => {
    const host = runCase(opCase, 100 + index, null);
    const device = runCase(opCase, 100 + index, new EmulatedDevice());
    expect(largestDifference(device.output, host.output)).toBeLessThanOrEqual(1e-6);
    host.grads.forEach((grad, input) => {
      expect({ input, present: device.grads[input] !== null }).toEqual({ input, present: grad !== null });
      if (grad) expect({ input, difference: largestDifference(device.grads[input]!, grad) <= 1e-6 }).toEqual({ input, difference: true });
    });
    expect(device.downloadBytes).toBe(0);
  });

  it('keeps a step resident: forward and backward move nothing, gradient clipping downloads one scalar', () => {
    const device = new EmulatedDevice();
    const rng = new Rng(5);
    const weight = new Tensor(Float32Array.from({ length: 12 }, () => rng.nextNormal()), [4, 3], { requiresGrad: true }).toDevice(device);
    const x = fromArray(Float32Array.from({ length: 8 }, () => rng.nextNormal()), [2, 4]).toDevice(device);
    const start = device.transfers();
    const loss = sum(matmul(x, weight));
    backward(loss);
    expect(device.transfers()).toEqual(start);
    expect(clipGradNorm([weight], 1e9)).toBeGreaterThan(0);
    // The norm is the one value the clipping needs on the host: a single four-byte download.
    expect(device.transfers().downloadBytes - start.downloadBytes).toBe(4);
    expect(Number.isFinite(loss.item())).toBe(true);
  });

  it('rejects an op over tensors on different devices, naming the op and both devices', () => {
    const device = new EmulatedDevice();
    const onDevice = fromArray([1, 2, 3]).toDevice(device);
    expect(() => add(onDevice, fromArray([1, 2, 3]))).toThrow(`add: expected every input on one device, received inputs on ${device.deviceName} and cpu`);
    expect(() => mul(onDevice, scalar(2))).toThrow(/^mul: .* on emulated:\d+ and cpu/);
    const other = new EmulatedDevice();
    expect(() => matmul(fromArray([1, 2], [1, 2]).toDevice(other), fromArray([1, 2], [2, 1]).toDevice(device))).toThrow(`matmul: expected every input on one device, received inputs on ${other.deviceName} and ${device.deviceName}`);
  });

  it('refuses a family op on a device whose kernels lack it, naming the kernels', () => {
    const device = new EmulatedDevice();
    Object.defineProperty(device, 'gegluForward', { value: undefined });
    const gate = fromArray([1, 2]).toDevice(device);
    expect(() => geglu(gate, gate)).toThrow('geglu: the emulated-device kernels have no gegluForward');
  });
});

describe('ops on the CUDA device table agree with the host', () => {
  const { device: cuda, reason } = loadCudaDevice();
  if (!cuda) {
    it('is skipped without a GPU', () => {
      console.warn(`CUDA op agreement skipped: ${reason}`);
      expect(cuda).toBeNull();
    });
    return;
  }
  // The table's GEMMs run in tf32 or bf16 by default, as the backend agreement allows for the staged CUDA kernels.
  const tolerance = 3e-2;
  it.each(OP_CASES.map((opCase, index) => [opCase.name, opCase, index] as const))('%s: values, gradients, and no download', (_name, opCase, index) => {
    const host = runCase(opCase, 100 + index, null);
    const device = runCase(opCase, 100 + index, cuda);
    expect(largestDifference(device.output, host.output)).toBeLessThanOrEqual(tolerance);
    host.grads.forEach((grad, input) => {
      if (grad) expect({ input, difference: largestDifference(device.grads[input]!, grad) <= tolerance }).toEqual({ input, difference: true });
    });
    expect(device.downloadBytes).toBe(0);
  });
});

describe('frozen bf16 weights on the emulated device', () => {
  const rng = new Rng(11);
  const weight = new Bfloat16Tensor(Uint16Array.from({ length: 7 * 5 }, () => float32ToBfloat16(rng.nextNormal())), [7, 5], 'weight');
  const input = Float32Array.from({ length: 3 * 5 }, () => rng.nextNormal());
  const probe = Float32Array.from({ length: 3 * 7 }, () => rng.nextNormal());

  function multiply(device: EmulatedDevice | null): { output: Float32Array; grad: Float32Array; downloadBytes: number } {
    const x = new Tensor(input.slice(), [3, 5], { requiresGrad: true });
    const placedX = device ? x.toDevice(device) : x;
    const placedWeight = device ? weight.toDevice(device) : weight;
    const before = device?.transfers().downloadBytes ?? 0;
    const out = matmulBfloat16(placedX, placedWeight, 10);
    backward(sum(mul(out, device ? fromArray(probe, [3, 7]).toDevice(device) : fromArray(probe, [3, 7]))));
    const downloadBytes = (device?.transfers().downloadBytes ?? 0) - before;
    return { output: out.toHost().slice(), grad: kernelsOfBuffer(placedX.gradBuffer!).download(placedX.gradBuffer!).slice(), downloadBytes };
  }

  it('multiplies and back-propagates through the table bf16 GEMM as the host blocks do, downloading nothing', () => {
    const host = multiply(null);
    const device = multiply(new EmulatedDevice());
    expect(largestDifference(device.output, host.output)).toBeLessThanOrEqual(1e-6);
    expect(largestDifference(device.grad, host.grad)).toBeLessThanOrEqual(1e-6);
    expect(device.downloadBytes).toBe(0);
  });

  it('uploads the bits once as bf16, looks rows up on the device, and refuses a host input against device bits', () => {
    const device = new EmulatedDevice();
    const before = device.transfers();
    const placed = weight.toDevice(device);
    expect(device.transfers().uploadBytes - before.uploadBytes).toBe(weight.bits.byteLength);
    expect(placed.toDevice(device)).toBe(placed);
    const ids = Int32Array.of(6, 0, 6, 3);
    const looked = embeddingBfloat16(placed, ids, [2, 2]);
    expect(Array.from(looked.toHost())).toEqual(Array.from(embeddingBfloat16(weight, ids, [2, 2]).data));
    expect(() => matmulBfloat16(fromArray(input, [3, 5]), placed)).toThrow(`matmulBfloat16: expected every input on one device, received inputs on cpu and ${device.deviceName}`);
  });
});

describe('a decoder training step on the emulated device', () => {
  const ids = Int32Array.from({ length: 16 }, (_, i) => (i * 13) % 250);
  const targets = Int32Array.from({ length: 16 }, (_, i) => (i % 8 === 7 ? -1 : (i * 7) % 250));

  it.each([
    ['llama', {}],
    ['llama3 scaled RoPE', { rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 } }],
  ] as const)('%s: equal loss and gradients; a second step downloads nothing and uploads only its new positions', (_family, overrides) => {
    const host = createTinyModel(3, overrides);
    const hostWeights = new Map([...host.weights].map(([name, tensor]) => [name, parameter(tensor)]));
    const hostLoss = crossEntropy(new LlamaModel(host.config, hostWeights).forward(ids, 2, 8), targets);
    backward(hostLoss);
    const device = new EmulatedDevice();
    const weights = new Map([...host.weights].map(([name, tensor]) => [name, parameter(tensor.toDevice(device))]));
    const model = new LlamaModel(host.config, weights);
    for (let step = 0; step < 2; step += 1) {
      const before = device.transfers();
      const loss = crossEntropy(model.forward(ids, 2, 8), targets);
      backward(loss);
      const moved = device.transfers();
      expect(moved.downloadBytes - before.downloadBytes).toBe(0);
      // The first step uploads scaled RoPE's angle tables once; later steps send no float values at all.
      if (step === 1) expect({ uploadBytes: moved.uploadBytes - before.uploadBytes, indexBytes: moved.indexBytes - before.indexBytes }).toEqual({ uploadBytes: 0, indexBytes: 8 * 4 });
      expect(Math.abs(loss.item() - hostLoss.item())).toBeLessThanOrEqual(1e-6);
    }
    for (const [name, weight] of weights) {
      const hostGrad = hostWeights.get(name)!.grad!;
      // Two steps accumulated on the device without zeroing: twice the host's gradient.
      const deviceGrad = kernelsOfBuffer(weight.gradBuffer!).download(weight.gradBuffer!).map((value) => value / 2);
      expect({ name, close: largestDifference(deviceGrad, hostGrad) <= 1e-6 }).toEqual({ name, close: true });
    }
  });
});
