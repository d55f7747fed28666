// Autograd tape behaviour: accumulation across uses and calls, noGrad, release of intermediates, and errors.
import { Tensor, backward, noGrad, parameter, fromArray, zeros, randn, createRng, selectBackend, resolveBackend } from '../../../containers/trainer/src/tensor';
import { add, mul, sum, matmul, reshape, embedding, causalAttention, rope } from '../../../containers/trainer/src/tensor/ops';

describe('autograd', () => {
  beforeAll(() => selectBackend('reference'));

  it('accumulates gradients over repeated uses and over backward calls', () => {
    const x = parameter(Float32Array.from([2, -3]));
    backward(sum(mul(x, x)));
    expect(Array.from(x.grad!)).toEqual([4, -6]);
    backward(sum(add(x, x)));
    expect(Array.from(x.grad!)).toEqual([6, -4]);
  });

  it('records nothing under noGrad and leaves constants without gradients', () => {
    const x = parameter(Float32Array.from([1, 2]));
    const constant = fromArray([5, 6]);
    const untracked = noGrad(() => mul(x, constant));
    expect(untracked.requiresGrad).toBe(false);
    expect(untracked.backwardFn).toBeNull();
    const tracked = sum(mul(x, constant));
    backward(tracked);
    expect(constant.grad).toBeNull();
    expect(Array.from(x.grad!)).toEqual([5, 6]);
  });

  it('releases intermediate gradients and the tape after backward', () => {
    const x = parameter(Float32Array.from([1, 2, 3, 4]));
    const hidden = reshape(mul(x, x), [2, 2]);
    const loss = sum(hidden);
    backward(loss);
    expect(hidden.grad).toBeNull();
    expect(hidden.parents).toEqual([]);
    expect(Array.from(x.grad!)).toEqual([2, 4, 6, 8]);
  });

  it('explains bad calls', () => {
    expect(() => backward(fromArray([1]))).toThrow('does not require grad');
    expect(() => backward(mul(parameter(Float32Array.from([1, 2])), fromArray([1, 1])))).toThrow('expected a one-element loss, received shape [2]');
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow('matmul([2, 3], [4, 5]): inner dimensions differ (3 vs 4)');
    expect(() => add(zeros([2, 3]), zeros([2]))).toThrow('expected the second shape to equal the first');
    expect(() => embedding(zeros([4, 2]), Int32Array.from([4]))).toThrow('token id 4 at position 0 is outside the vocabulary [0, 4)');
    expect(() => causalAttention(zeros([1, 2, 6]), zeros([1, 2, 4]), zeros([1, 2, 4]), { heads: 3, kvHeads: 2 })).toThrow('heads 3 is not a multiple of kvHeads 2');
    expect(() => rope(zeros([1, 2, 6]), Int32Array.from([0]), 10000, 6)).toThrow('expected 2 positions (or 2, one per row), received 1');
    expect(() => new Tensor(new Float32Array(3), [2, 2])).toThrow('tensor data has 3 elements but shape [2, 2] needs 4');
    expect(() => resolveBackend('native' as never, { quiet: true })).not.toThrow();
  });

  it('randn is deterministic by seed and has the requested scale', () => {
    const first = randn([4000], createRng(11), 0.02);
    const second = randn([4000], createRng(11), 0.02);
    expect(Array.from(first.data)).toEqual(Array.from(second.data));
    const variance = first.data.reduce((total, value) => total + value * value, 0) / first.size;
    expect(Math.sqrt(variance)).toBeCloseTo(0.02, 2);
  });

  it('restores an RNG from its saved state', () => {
    const rng = createRng(5);
    rng.nextNormal();
    const saved = rng.getState();
    const expected = [rng.nextFloat(), rng.nextNormal(), rng.nextNormal()];
    const restored = createRng(0);
    restored.setState(saved);
    expect([restored.nextFloat(), restored.nextNormal(), restored.nextNormal()]).toEqual(expected);
  });
});
