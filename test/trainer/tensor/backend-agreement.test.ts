// Native (and, on a GPU, CUDA) kernels agree with the reference kernels, forward and backward, on randomly drawn shapes.
import { Tensor, Rng, backward, fromArray, withBackend, getReferenceBackend, type KernelBackend } from '../../../containers/trainer/src/tensor';
import * as ops from '../../../containers/trainer/src/tensor/ops';
import { cudaBackendOrNull, nativeBackendOrNull } from './backends';

// CUDA GEMMs round their operands to bf16 (8 significant bits) before accumulating in fp32.
const TOLERANCE = { native: 2e-4, cuda: 3e-2 } as const;
const TRIALS = 6;

interface Drawn {
  shapes: number[][];
  run(inputs: Tensor[]): Tensor;
}

const between = (rng: Rng, low: number, high: number): number => low + rng.nextInt(high - low + 1);

const GENERATORS: Record<string, (rng: Rng) => Drawn> = {
  matmul: (rng) => {
    const [m, n, k, batch] = [between(rng, 1, 70), between(rng, 1, 70), between(rng, 1, 70), between(rng, 1, 3)];
    const transposeA = rng.nextFloat() < 0.5;
    const transposeB = rng.nextFloat() < 0.5;
    const sharedB = rng.nextFloat() < 0.5;
    return {
      shapes: [[batch, ...(transposeA ? [k, m] : [m, k])], sharedB ? (transposeB ? [n, k] : [k, n]) : [batch, ...(transposeB ? [n, k] : [k, n])]],
      run: ([a, b]) => ops.matmul(a, b, { transposeA, transposeB }),
    };
  },
  elementwise: (rng) => {
    const [rows, columns] = [between(rng, 1, 300), between(rng, 1, 300)];
    return { shapes: [[rows, columns], [columns], [rows, columns]], run: ([a, b, c]) => ops.swiglu(ops.mul(ops.sub(ops.add(a, b), c), b), ops.exp(ops.scale(ops.silu(c), 0.3))) };
  },
  rmsNorm: (rng) => {
    const dim = between(rng, 1, 400);
    return { shapes: [[between(rng, 1, 200), dim], [dim]], run: ([x, weight]) => ops.rmsNorm(x, weight, 1e-6) };
  },
  rope: (rng) => {
    const [batch, length, heads, headDim] = [between(rng, 1, 3), between(rng, 1, 40), between(rng, 1, 4), 2 * between(rng, 1, 32)];
    const positions = Int32Array.from({ length }, (_, t) => t + between(rng, 0, 5));
    return { shapes: [[batch, length, heads * headDim]], run: ([x]) => ops.rope(x, positions, 500000, headDim) };
  },
  attention: (rng) => {
    const kvHeads = between(rng, 1, 3);
    const heads = kvHeads * between(rng, 1, 3);
    const [batch, headDim, keyLength] = [between(rng, 1, 3), between(rng, 1, 40), between(rng, 1, 40)];
    const queryLength = between(rng, 1, keyLength);
    const mask = Uint8Array.from({ length: batch * keyLength }, () => (rng.nextFloat() < 0.15 ? 0 : 1));
    return {
      shapes: [[batch, queryLength, heads * headDim], [batch, keyLength, kvHeads * headDim], [batch, keyLength, kvHeads * headDim]],
      run: ([q, k, v]) => ops.causalAttention(q, k, v, { heads, kvHeads, mask }),
    };
  },
  crossEntropy: (rng) => {
    const [rows, vocab] = [between(rng, 1, 100), between(rng, 2, 700)];
    const targets = Int32Array.from({ length: rows }, () => (rng.nextFloat() < 0.1 ? -1 : rng.nextInt(vocab)));
    const weights = Float32Array.from({ length: rows }, () => rng.nextFloat());
    return { shapes: [[rows, vocab]], run: ([logits]) => ops.add(ops.crossEntropy(logits, targets, weights), ops.sum(ops.logSoftmaxGather(logits, targets))) };
  },
  embedding: (rng) => {
    const [vocab, dim, count] = [between(rng, 1, 50), between(rng, 1, 100), between(rng, 1, 300)];
    const ids = Int32Array.from({ length: count }, () => rng.nextInt(vocab));
    return { shapes: [[vocab, dim]], run: ([weight]) => ops.embedding(weight, ids) };
  },
};

function runOn(backend: KernelBackend, drawn: Drawn, data: Float32Array[], upstreamSeed: number): { output: Float32Array; grads: Float32Array[] } {
  const inputs = data.map((values, i) => new Tensor(values.slice(), drawn.shapes[i], { requiresGrad: true }));
  return withBackend(backend, () => {
    const out = drawn.run(inputs);
    const rng = new Rng(upstreamSeed);
    const upstream = Float32Array.from({ length: out.size }, () => rng.nextNormal());
    backward(ops.sum(ops.mul(out, fromArray(upstream, out.shape))));
    return { output: out.data, grads: inputs.map((input) => input.grad ?? new Float32Array(input.size)) };
  });
}

function maxScaledDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}

const native = nativeBackendOrNull();
const cuda = cudaBackendOrNull();

describe('native agrees with reference', () => {
  if (!native) {
    it('is skipped: the native addon is not built here', () => expect(native).toBeNull());
    return;
  }
  const compiled = [native, ...(cuda ? [cuda] : [])];
  it.each(compiled.flatMap((backend) => Object.keys(GENERATORS).map((name) => [backend.name, name, backend] as const)))('%s: %s on random shapes', (_backendName, name, backend) => {
    const tolerance = TOLERANCE[backend.name as keyof typeof TOLERANCE];
    for (let trial = 0; trial < TRIALS; trial++) {
      const rng = new Rng(trial * 7919 + name.length);
      const drawn = GENERATORS[name](rng);
      const data = drawn.shapes.map((shape) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.nextNormal()));
      const expected = runOn(getReferenceBackend(), drawn, data, trial);
      const actual = runOn(backend, drawn, data, trial);
      const context = `${name} trial ${trial} shapes ${JSON.stringify(drawn.shapes)}`;
      expect({ context, output: maxScaledDifference(actual.output, expected.output) <= tolerance }).toEqual({ context, output: true });
      actual.grads.forEach((grad, i) => expect({ context, input: i, close: maxScaledDifference(grad, expected.grads[i]) <= tolerance }).toEqual({ context, input: i, close: true }));
    }
  });

  it('rejects buffers that do not fit the shape instead of reading past them', () => {
    const small = new Float32Array(5);
    const call = () => native.gemm({ transposeA: false, transposeB: false, m: 2, n: 2, k: 3, alpha: 1, beta: 0, a: small, aOffset: 0, lda: 3, b: small, bOffset: 0, ldb: 2, c: small, cOffset: 0, ldc: 2, batch: 1, strideA: 0, strideB: 0, strideC: 0 });
    expect(call).toThrow('gemm: matrix A does not fit its buffer of 5 elements');
    expect(() => native.embeddingForward(new Float32Array(8), Int32Array.from([4]), 2, new Float32Array(2))).toThrow('token id outside the vocabulary');
    expect(() => native.axpy(1, new Float32Array(4), new Float32Array(3))).toThrow('axpy: y shorter than x');
  });

  it.each(compiled.map((backend) => [backend.name, backend] as const))('%s: adamw and the reductions agree', (_backendName, backend) => {
    const rng = new Rng(3);
    const size = 100003;
    const make = () => Float32Array.from({ length: size }, () => rng.nextNormal());
    const [param, grad, m, v] = [make(), make(), make(), make().map(Math.abs)];
    const results = [getReferenceBackend(), backend].map((each) => {
      const state = [param.slice(), m.slice(), v.slice()];
      each.adamw(state[0], grad, state[1], state[2], { lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, biasCorrection1: 0.19, biasCorrection2: 0.0975 });
      return { state, sum: each.sum(grad), squares: each.sumSquares(grad) };
    });
    results[1].state.forEach((values, i) => expect(maxScaledDifference(values, results[0].state[i])).toBeLessThan(1e-5));
    expect(results[1].sum).toBeCloseTo(results[0].sum, 2);
    expect(results[1].squares / results[0].squares).toBeCloseTo(1, 5);
  });
});
