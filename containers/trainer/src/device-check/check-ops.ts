// Every op forward and backward with its inputs on a device table, against the same op on the host's reference kernels.
import { backward } from '../tensor/autograd';
import { getReferenceBackend, withBackend } from '../tensor/backend';
import { kernelsOfBuffer, type Device, type DeviceTable } from '../tensor/device';
import * as ops from '../tensor/ops';
import { Tensor, fromArray } from '../tensor/tensor';
import { combineDifferences, compareValues, drawNormal } from './compare-values';
import { createOpCases, type OpCase, type OpSizes } from './op-cases';
import type { Comparison } from './result-schema';

interface OpValues {
  output: Float32Array;
  grads: Float32Array[];
}

/** Runs the case with its inputs on `device`: the output and each input's gradient after a backward of Σ output·upstream. */
function runCase(opCase: OpCase, device: Device, seed: number): OpValues {
  const inputs = opCase.shapes.map((shape, index) => {
    const size = shape.reduce((product, dimension) => product * dimension, 1);
    return new Tensor(drawNormal(size, seed + index), shape, { requiresGrad: true }).toDevice(device);
  });
  const out = opCase.run(inputs);
  if (opCase.updatesInPlace) return { output: out.toHost(), grads: [] };
  const upstream = fromArray(drawNormal(out.size, seed + 100), out.shape).toDevice(device);
  backward(ops.sum(ops.mul(out, upstream)));
  return {
    output: out.toHost(),
    grads: inputs.map((input) => (input.gradBuffer ? kernelsOfBuffer(input.gradBuffer).download(input.gradBuffer) : new Float32Array(input.size))),
  };
}

function checkCase(device: DeviceTable, opCase: OpCase, seed: number, tolerance: number): Comparison {
  try {
    const expected = withBackend(getReferenceBackend(), () => runCase(opCase, 'cpu', seed));
    const actual = device.withScope(() => runCase(opCase, device, seed));
    const worst = combineDifferences([compareValues(actual.output, expected.output), ...expected.grads.map((grad, index) => compareValues(actual.grads[index], grad))]);
    return { name: opCase.name, ...worst, tolerance, passed: worst.maxScaledError <= tolerance };
  } catch (error) {
    return { name: opCase.name, maxAbsoluteError: null, maxScaledError: null, tolerance, passed: false, error: (error as Error).message };
  }
}

export function checkOps(device: DeviceTable, sizes: OpSizes, tolerance: number): Comparison[] {
  return createOpCases(sizes).map((opCase, index) => checkCase(device, opCase, 1000 * (index + 1), tolerance));
}
