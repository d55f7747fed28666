// Every kernel of a device table against the TypeScript reference kernels on the same inputs, bf16 weight kernels included.
import { getReferenceBackend } from '../tensor/backend';
import type { DeviceBuffer, DeviceTable } from '../tensor/device';
import { expandBfloat16 } from '../tensor/devices/expand-bfloat16';
import type { KernelBackend } from '../tensor/kernels';
import { compareValues, combineDifferences, drawNormal, type Difference } from './compare-values';
import { createKernelCases, type KernelCase, type KernelSizes } from './kernel-cases';
import type { Comparison } from './result-schema';

type Returned = number | Int32Array | void;

function runOnReference(kernelCase: KernelCase): { outputs: Float32Array[]; returned: Returned } {
  const buffers = Object.fromEntries(Object.entries(kernelCase.buffers).map(([name, values]) => [name, values.slice()]));
  const returned = kernelCase.run(getReferenceBackend(), buffers);
  return { outputs: kernelCase.outputs.map((name) => buffers[name]), returned };
}

function runOnDevice(device: DeviceTable, kernelCase: KernelCase): { outputs: Float32Array[]; returned: Returned } {
  return device.withScope(() => {
    const buffers = Object.fromEntries(Object.entries(kernelCase.buffers).map(([name, values]) => [name, device.upload(values)]));
    const returned = kernelCase.run(device as KernelBackend<DeviceBuffer>, buffers);
    return { outputs: kernelCase.outputs.map((name) => device.download(buffers[name])), returned };
  });
}

function compareReturned(actual: Returned, expected: Returned): { difference: Difference; tokenMismatches?: number } {
  if (typeof expected === 'number') return { difference: compareValues([actual as number], [expected]) };
  if (expected instanceof Int32Array) {
    const ids = actual as Int32Array;
    const tokenMismatches = expected.reduce((count, id, row) => count + (ids[row] === id ? 0 : 1), 0);
    return { difference: { maxAbsoluteError: 0, maxScaledError: 0 }, tokenMismatches };
  }
  return { difference: { maxAbsoluteError: 0, maxScaledError: 0 } };
}

function checkCase(device: DeviceTable, kernelCase: KernelCase, tolerance: number): Comparison {
  try {
    const expected = runOnReference(kernelCase);
    const actual = runOnDevice(device, kernelCase);
    const returned = compareReturned(actual.returned, expected.returned);
    const worst = combineDifferences([...expected.outputs.map((values, index) => compareValues(actual.outputs[index], values)), returned.difference]);
    const passed = worst.maxScaledError <= tolerance && !returned.tokenMismatches;
    return { name: kernelCase.name, ...worst, tolerance, passed, ...(returned.tokenMismatches === undefined ? {} : { tokenMismatches: returned.tokenMismatches }) };
  } catch (error) {
    return { name: kernelCase.name, maxAbsoluteError: null, maxScaledError: null, tolerance, passed: false, error: (error as Error).message };
  }
}

function toBfloat16(values: Float32Array): Uint16Array {
  const bits = new Uint16Array(values.length);
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let index = 0; index < values.length; index += 1) bits[index] = words[index] >>> 16;
  return bits;
}

/** gemmBfloat16Weight (both directions, overwrite and accumulate) and embeddingBfloat16 against float32 GEMMs of the expanded weight. */
function checkBfloat16Kernels(device: DeviceTable, sizes: KernelSizes, tolerance: number): Comparison[] {
  const { m, n: outputs, k: inputs } = sizes.gemm;
  const bits = toBfloat16(drawNormal(outputs * inputs, 901, 0.05));
  const weight = new Float32Array(bits.length);
  expandBfloat16(bits, 0, bits.length, weight);
  const reference = getReferenceBackend();
  const shared = { batch: 1, strideA: 0, strideB: 0, strideC: 0, alpha: 1, aOffset: 0, bOffset: 0, cOffset: 0 };
  const cases = [
    { name: 'gemmBfloat16Weight x·Wᵀ', transposeWeight: true, accumulate: false },
    { name: 'gemmBfloat16Weight dX += dY·W', transposeWeight: false, accumulate: true },
  ].map(({ name, transposeWeight, accumulate }): Comparison => {
    try {
      const x = drawNormal(m * (transposeWeight ? inputs : outputs), 902);
      const initial = drawNormal(m * (transposeWeight ? outputs : inputs), 903);
      const expected = initial.slice();
      if (transposeWeight) reference.gemm({ ...shared, transposeA: false, transposeB: true, m, n: outputs, k: inputs, beta: accumulate ? 1 : 0, a: x, lda: inputs, b: weight, ldb: inputs, c: expected, ldc: outputs });
      else reference.gemm({ ...shared, transposeA: false, transposeB: false, m, n: inputs, k: outputs, beta: accumulate ? 1 : 0, a: x, lda: outputs, b: weight, ldb: inputs, c: expected, ldc: inputs });
      const actual = device.withScope(() => {
        const out = device.upload(initial);
        const held = device.uploadBfloat16(bits);
        try {
          device.gemmBfloat16Weight({ transposeWeight, m, outputs, inputs, x: device.upload(x), weight: held, out, accumulate });
          return device.download(out);
        } finally {
          device.release(held);
        }
      });
      const difference = compareValues(actual, expected);
      return { name, ...difference, tolerance, passed: difference.maxScaledError <= tolerance };
    } catch (error) {
      return { name, maxAbsoluteError: null, maxScaledError: null, tolerance, passed: false, error: (error as Error).message };
    }
  });
  try {
    const ids = Int32Array.from({ length: 2 * m }, (_, t) => (t * 37) % outputs);
    const expected = new Float32Array(ids.length * inputs);
    ids.forEach((id, t) => expected.set(weight.subarray(id * inputs, (id + 1) * inputs), t * inputs));
    const actual = device.withScope(() => {
      const held = device.uploadBfloat16(bits);
      const out = device.allocate(expected.length);
      device.embeddingBfloat16(held, ids, inputs, out);
      const values = device.download(out);
      device.release(held);
      return values;
    });
    const difference = compareValues(actual, expected);
    // A lookup copies bf16 values exactly: any difference is a bug.
    cases.push({ name: 'embeddingBfloat16', ...difference, tolerance: 0, passed: difference.maxAbsoluteError === 0 });
  } catch (error) {
    cases.push({ name: 'embeddingBfloat16', maxAbsoluteError: null, maxScaledError: null, tolerance: 0, passed: false, error: (error as Error).message });
  }
  return cases;
}

export function checkKernels(device: DeviceTable, sizes: KernelSizes, tolerance: number): Comparison[] {
  return [...createKernelCases(sizes).map((kernelCase) => checkCase(device, kernelCase, tolerance)), ...checkBfloat16Kernels(device, sizes, tolerance)];
}
