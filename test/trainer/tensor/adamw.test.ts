// AdamW and gradient clipping against values worked out by hand.
import { parameter, withBackend } from '../../../containers/trainer/src/tensor';
import { adamwStep, createAdamwState, clipGradNorm, zeroGrad } from '../../../containers/trainer/src/tensor/ops';
import { backendsUnderTest } from './backends';

describe.each(backendsUnderTest().map((backend) => [backend.name, backend] as const))('optimizer on the %s backend', (_name, backend) => {
  it('AdamW matches the hand-computed first two steps', () => {
    // With a constant gradient g, the bias-corrected moments are exactly g and g² at every step, so the Adam
    // direction is sign(g) (eps is negligible) and each step is p ← p − lr·(sign(g) + weightDecay·p).
    const weights = parameter(Float32Array.from([1, -2, 0.5]));
    const state = createAdamwState([weights]);
    const options = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
    withBackend(backend, () => {
      weights.grad = Float32Array.from([0.1, -0.2, 0.3]);
      adamwStep([weights], state, options);
      expect(weights.data[0]).toBeCloseTo(0.899, 5);
      expect(weights.data[1]).toBeCloseTo(-1.898, 5);
      expect(weights.data[2]).toBeCloseTo(0.3995, 5);
      adamwStep([weights], state, options);
    });
    // Step 2: 0.899 − 0.1·(1 + 0.00899) = 0.798101; −1.898 − 0.1·(−1 − 0.01898) = −1.796102; 0.3995 − 0.1·(1 + 0.003995) = 0.2991005
    expect(weights.data[0]).toBeCloseTo(0.798101, 5);
    expect(weights.data[1]).toBeCloseTo(-1.796102, 5);
    expect(weights.data[2]).toBeCloseTo(0.2991005, 5);
    expect(state.step).toBe(2);
    expect((state.m[0] as Float32Array)[0]).toBeCloseTo(0.019, 7);
    expect((state.v[0] as Float32Array)[1] / (0.001999 * 0.04)).toBeCloseTo(1, 4);
  });

  it('AdamW skips parameters without gradients and rejects mismatched state', () => {
    const [first, second] = [parameter(Float32Array.from([1, 2])), parameter(Float32Array.from([3]))];
    const state = createAdamwState([first, second]);
    first.grad = Float32Array.from([1, 1]);
    withBackend(backend, () => adamwStep([first, second], state, { lr: 0.5, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 }));
    expect(first.data[0]).toBeCloseTo(0.5, 5);
    expect(first.data[1]).toBeCloseTo(1.5, 5);
    expect(Array.from(second.data)).toEqual([3]);
    expect(() => adamwStep([first], state, { lr: 0.5, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 })).toThrow('optimizer state holds 2 parameters, received 1');
  });

  it('clipGradNorm scales all gradients to the norm bound and reports the norm before', () => {
    const [a, b] = [parameter(Float32Array.from([3, 0])), parameter(Float32Array.from([4]))];
    a.grad = Float32Array.from([3, 0]);
    b.grad = Float32Array.from([4]);
    const norm = withBackend(backend, () => clipGradNorm([a, b], 1));
    expect(norm).toBeCloseTo(5, 5);
    expect(a.grad[0]).toBeCloseTo(0.6, 5);
    expect(b.grad[0]).toBeCloseTo(0.8, 5);
    expect(withBackend(backend, () => clipGradNorm([a, b], 10))).toBeCloseTo(1, 5);
    expect(b.grad[0]).toBeCloseTo(0.8, 5);
    zeroGrad([a, b]);
    expect(Array.from(a.grad)).toEqual([0, 0]);
  });
});
