import { KeyValueCache } from '../../../containers/trainer/src/model/key-value-cache';
import { generateTokens } from '../../../containers/trainer/src/generate/generate-tokens';
import { backward, noGrad } from '../../../containers/trainer/src/tensor/autograd';
import { narrow, reshape } from '../../../containers/trainer/src/tensor/ops';
import type { Tensor } from '../../../containers/trainer/src/tensor/tensor';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

function maxDifference(left: Float32Array, right: Float32Array): number {
  let worst = 0;
  for (let index = 0; index < left.length; index += 1) worst = Math.max(worst, Math.abs(left[index] - right[index]));
  return worst;
}

describe('LlamaModel', () => {
  it.each([
    ['llama, untied, grouped-query', {}],
    ['qwen2 with q/k/v bias and tied embeddings', { model_type: 'qwen2', tie_word_embeddings: true }],
  ])('gives the same logits with a key-value cache as with full recomputation (%s)', (_, overrides) => {
    const model = createTinyModel(3, overrides);
    if (model.config.attentionBias) {
      // Non-zero biases, so the check covers them.
      for (const [name, tensor] of model.weights) if (name.endsWith('.bias')) tensor.data.forEach((_, index) => { tensor.data[index] = Math.sin(index + name.length); });
    }
    const prompt = [72, 101, 108, 108, 111];
    const generated = generateTokens(model, prompt, { temperature: 1, topP: 0.9, maxTokens: 12, stopTokenIds: [] }, new Rng(11), true);
    expect(generated.tokens).toHaveLength(12);
    const all = [...prompt, ...generated.tokens];
    const full = noGrad(() => model.forward(Int32Array.from(all), 1, all.length)).data;
    const vocab = model.config.vocabSize;
    generated.logits!.forEach((cached, step) => {
      const position = prompt.length - 1 + step;
      expect(maxDifference(cached, full.subarray(position * vocab, (position + 1) * vocab))).toBeLessThan(1e-4);
    });
  });

  it('processes a batch like separate sequences, and a chunked cache like one pass', () => {
    const model = createTinyModel(5);
    const vocab = model.config.vocabSize;
    const first = [1, 2, 3, 4, 5, 6];
    const second = [9, 8, 7, 6, 5, 4];
    const batched = noGrad(() => model.forward(Int32Array.from([...first, ...second]), 2, 6)).data;
    const alone = noGrad(() => model.forward(Int32Array.from(second), 1, 6)).data;
    expect(maxDifference(batched.subarray(6 * vocab), alone)).toBeLessThan(1e-5);
    const cache = new KeyValueCache(model.config, 2, 6);
    noGrad(() => model.forward(Int32Array.from([1, 2, 3, 9, 8, 7]), 2, 3, { cache }));
    const tail = noGrad(() => model.forward(Int32Array.from([4, 5, 6, 6, 5, 4]), 2, 3, { cache })).data;
    expect(maxDifference(tail.subarray(3 * vocab), alone.subarray(3 * vocab))).toBeLessThan(1e-4);
  });

  it('continues every row of a replicated one-row cache like the prompt recomputed in each row', () => {
    const model = createTinyModel(5);
    const vocab = model.config.vocabSize;
    const single = new KeyValueCache(model.config, 1, 6);
    noGrad(() => model.forward(Int32Array.from([1, 2, 3]), 1, 3, { cache: single }));
    const replicated = single.replicate(2);
    expect(replicated.length).toBe(3);
    const tail = noGrad(() => model.forward(Int32Array.from([4, 5, 6, 7, 8, 9]), 2, 3, { cache: replicated })).data;
    const firstRow = noGrad(() => model.forward(Int32Array.from([1, 2, 3, 4, 5, 6]), 1, 6)).data;
    const secondRow = noGrad(() => model.forward(Int32Array.from([1, 2, 3, 7, 8, 9]), 1, 6)).data;
    expect(maxDifference(tail.subarray(0, 3 * vocab), firstRow.subarray(3 * vocab))).toBeLessThan(1e-4);
    expect(maxDifference(tail.subarray(3 * vocab), secondRow.subarray(3 * vocab))).toBeLessThan(1e-4);
    expect(() => replicated.replicate(2)).toThrow('only a one-row cache');
  });

  it('gives each row after a shared prefix the logits and the weight gradients of the full rows', () => {
    const prefix = [1, 2, 3, 4];
    const rows = [[5, 6, 7], [8, 9, 10]];
    const gradientsOf = (run: (model: ReturnType<typeof createTinyModel>) => Tensor) => {
      const model = createTinyModel(5);
      model.setBaseTrainable(true);
      const logits = run(model);
      // A fixed linear read-out of the rows' logits, so every logit carries gradient.
      const seed = Float32Array.from(logits.data, (_value, index) => Math.sin(index));
      backward(logits, seed);
      return { logits: logits.data.slice(), gradients: [...model.weights.values()].map((weight) => weight.grad!.slice()) };
    };
    const shared = gradientsOf((model) => model.forwardAfterPrefix(Int32Array.from(prefix), Int32Array.from(rows.flat()), 2, 3));
    const vocab = createTinyModel(5).config.vocabSize;
    const full = gradientsOf((model) => {
      // The full rows' logits at the row positions, gathered into the same [2, 3, vocab] layout.
      const logits = model.forward(Int32Array.from(rows.flatMap((row) => [...prefix, ...row])), 2, 7);
      return narrow(reshape(logits, [2, 7, vocab]), 1, 4, 3);
    });
    expect(maxDifference(shared.logits, full.logits)).toBeLessThan(1e-4);
    shared.gradients.forEach((gradient, index) => expect(maxDifference(gradient, full.gradients[index])).toBeLessThan(1e-4));
    expect(shared.gradients.some((gradient) => gradient.some((value) => value !== 0))).toBe(true);
  });

  it('rejects weights of the wrong shape with the tensor name', () => {
    const model = createTinyModel(1);
    const weights = new Map(model.weights);
    const name = 'model.layers.1.mlp.up_proj.weight';
    weights.set(name, weights.get('model.layers.1.mlp.down_proj.weight')!);
    expect(() => new (model.constructor as typeof import('../../../containers/trainer/src/model/llama-model').LlamaModel)(model.config, weights)).toThrow(name);
  });
});
