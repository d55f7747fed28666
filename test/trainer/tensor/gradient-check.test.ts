// Every op's backward, on each backend, against central finite differences of a float64 forward.
import { Tensor, Rng, backward, fromArray, withBackend } from '../../../containers/trainer/src/tensor';
import { mul, sum } from '../../../containers/trainer/src/tensor/ops';
import { OP_CASES, type OpCase } from './op-cases';
import { backendsUnderTest } from './backends';

// Tolerances: |analytic − numeric| ≤ ABSOLUTE + RELATIVE·|numeric|. The analytic side runs in fp32 (≈1e-7 relative
// per operation over a few dozen accumulations); the numeric side is float64 with step 1e-6, so its error is far below these.
const ABSOLUTE = 2e-5;
const RELATIVE = 1e-4;
const FORWARD_TOLERANCE = 1e-5;
const STEP = 1e-6;

function makeInputs(opCase: OpCase, seed: number): { inputs32: Float32Array[]; inputs64: Float64Array[]; weights: Float64Array } {
  const rng = new Rng(seed);
  const inputs64 = opCase.shapes.map((shape) => {
    const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.nextNormal();
    return data;
  });
  opCase.prepare?.(inputs64);
  // Round once to fp32 so both sides differentiate at exactly the same point.
  const inputs32 = inputs64.map((data) => Float32Array.from(data));
  inputs32.forEach((data, i) => inputs64[i].set(data));
  const outputSize = opCase.forward64(inputs64).length;
  const weights = new Float64Array(outputSize);
  for (let i = 0; i < outputSize; i++) weights[i] = Float32Array.of(rng.nextNormal())[0];
  return { inputs32, inputs64, weights };
}

function weightedSum(values: Float64Array, weights: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] * weights[i];
  return total;
}

function numericGradient(opCase: OpCase, inputs: Float64Array[], weights: Float64Array, index: number): Float64Array {
  const input = inputs[index];
  const gradient = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const original = input[i];
    input[i] = original + STEP;
    const plus = weightedSum(opCase.forward64(inputs), weights);
    input[i] = original - STEP;
    const minus = weightedSum(opCase.forward64(inputs), weights);
    input[i] = original;
    gradient[i] = (plus - minus) / (2 * STEP);
  }
  return gradient;
}

function worstViolation(analytic: Float32Array, numeric: Float64Array): { index: number; analytic: number; numeric: number; excess: number } {
  let worst = { index: -1, analytic: 0, numeric: 0, excess: 0 };
  for (let i = 0; i < numeric.length; i++) {
    const excess = Math.abs(analytic[i] - numeric[i]) - (ABSOLUTE + RELATIVE * Math.abs(numeric[i]));
    if (excess > worst.excess) worst = { index: i, analytic: analytic[i], numeric: numeric[i], excess };
  }
  return worst;
}

describe.each(backendsUnderTest().map((backend) => [backend.name, backend] as const))('gradients on the %s backend', (_name, backend) => {
  it.each(OP_CASES.map((opCase, index) => [opCase.name, opCase, index] as const))('%s matches finite differences', (_caseName, opCase, index) => {
    const { inputs32, inputs64, weights } = makeInputs(opCase, 1000 + index);
    const differentiable = opCase.differentiable ?? opCase.shapes.map(() => true);
    const tensors = inputs32.map((data, i) => new Tensor(data.slice(), opCase.shapes[i], { requiresGrad: differentiable[i] }));
    withBackend(backend, () => {
      const out = opCase.run(tensors);
      const expected = opCase.forward64(inputs64);
      expect(out.size).toBe(expected.length);
      out.data.forEach((value, i) => expect(Math.abs(value - expected[i])).toBeLessThanOrEqual(FORWARD_TOLERANCE * (1 + Math.abs(expected[i]))));
      backward(sum(mul(out, fromArray(Float32Array.from(weights), out.shape))));
    });
    tensors.forEach((tensor, i) => {
      if (!differentiable[i]) return;
      expect(tensor.grad).not.toBeNull();
      const numeric = numericGradient(opCase, inputs64, weights, i);
      const worst = worstViolation(tensor.grad!, numeric);
      expect({ input: i, ...worst, excess: worst.excess > 0 ? worst.excess : 0 }).toEqual({ input: i, ...worst, excess: 0 });
    });
  });
});
