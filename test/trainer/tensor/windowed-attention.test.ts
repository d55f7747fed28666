// The windowed, soft-capped attention kernel against the backend's causal attention where they must agree.
import { backward, Rng, randn, Tensor } from '../../../containers/trainer/src/tensor';
import { causalAttention, mul, narrow, softCap, sum, windowedAttention } from '../../../containers/trainer/src/tensor/ops';

const heads = 4;
const kvHeads = 2;
const headDim = 8;
const length = 7;

function createInputs(seed: number): Tensor[] {
  const rng = new Rng(seed);
  return [heads, kvHeads, kvHeads].map((count) => new Tensor(randn([2, length, count * headDim], rng).data, [2, length, count * headDim], { requiresGrad: true }));
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < actual.length; index += 1) expect(actual[index]).toBeCloseTo(expected[index], 5);
}

describe('windowedAttention', () => {
  it('equals causal attention, values and gradients, with no window and no cap (padding mask and GQA included)', () => {
    const mask = new Uint8Array(2 * length).fill(1);
    mask[0] = 0;
    mask[1] = 0;
    const probe = randn([2, length, heads * headDim], new Rng(9));
    const run = (attend: (q: Tensor, k: Tensor, v: Tensor) => Tensor) => {
      const inputs = createInputs(3);
      const out = attend(inputs[0], inputs[1], inputs[2]);
      backward(sum(mul(out, probe)));
      return { out: out.data, grads: inputs.map((input) => input.grad!) };
    };
    const windowed = run((q, k, v) => windowedAttention(q, k, v, { heads, kvHeads, queryOffset: 0, scale: 1 / Math.sqrt(headDim), window: null, softCap: null, mask }));
    const causal = run((q, k, v) => causalAttention(q, k, v, { heads, kvHeads, queryOffset: 0, mask }));
    expectClose(windowed.out, causal.out);
    windowed.grads.forEach((grad, index) => expectClose(grad, causal.grads[index]));
  });

  it('lets each query see only the last `window` positions, itself included', () => {
    const [q, k, v] = createInputs(4);
    const window = 3;
    const out = windowedAttention(q, k, v, { heads, kvHeads, queryOffset: 0, scale: 0.3, window, softCap: null });
    for (let t = 0; t < length; t += 1) {
      const first = Math.max(0, t - window + 1);
      const keys = t - first + 1;
      const expected = causalAttention(narrow(q, 1, t, 1), narrow(k, 1, first, keys), narrow(v, 1, first, keys), { heads, kvHeads, queryOffset: keys - 1, scale: 0.3 });
      const row = narrow(out, 1, t, 1);
      expectClose(row.data, expected.data);
    }
  });

  it('caps scores as cap·tanh(score/cap): a huge cap changes nothing, a small one flattens attention', () => {
    const [q, k, v] = createInputs(5);
    const options = { heads, kvHeads, queryOffset: 0, scale: 1, window: null };
    const uncapped = windowedAttention(q, k, v, { ...options, softCap: null });
    expectClose(windowedAttention(q, k, v, { ...options, softCap: 1e6 }).data, uncapped.data);
    const flattened = windowedAttention(q, k, v, { ...options, softCap: 1e-6 });
    // With every score near 0, the last query averages all values of its key-value head.
    const last = narrow(flattened, 1, length - 1, 1).data;
    for (let d = 0; d < headDim; d += 1) {
      let mean = 0;
      for (let j = 0; j < length; j += 1) mean += v.data[j * kvHeads * headDim + d] / length;
      expect(last[d]).toBeCloseTo(mean, 4);
    }
    expectClose(softCap(new Tensor(Float32Array.of(0, 100, -100), [3]), 2).data, [0, 2, -2]);
  });
});
