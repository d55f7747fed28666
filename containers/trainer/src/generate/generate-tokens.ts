// Autoregressive generation of one sequence with a key-value cache: prefill the prompt once, then one token per step.
import { KeyValueCache } from '../model/key-value-cache';
import type { LlamaModel } from '../model/llama-model';
import { noGrad } from '../tensor/autograd';
import { kernelsOfBuffer, withDeviceScope } from '../tensor/device';
import type { Rng } from '../tensor/random';
import { chooseNextTokens, DecodeSequence, GeneratedTokens, GenerationSettings, planCapacity } from './decode-sequence';

export function generateTokens(model: LlamaModel, prompt: readonly number[], settings: GenerationSettings, rng: Rng, keepLogits = false): GeneratedTokens {
  const vocab = model.config.vocabSize;
  const capacity = planCapacity(prompt.length, settings, model.config.maxPositions);
  return noGrad(() => {
    const sequence = new DecodeSequence(prompt, settings, rng, capacity);
    const cache = new KeyValueCache(model.config, 1, capacity, model.device);
    const kept: Float32Array[] | null = keepLogits ? [] : null;
    // One forward over `ids`, then the next token from the last row's logits (kept on the host when asked); on a
    // device each step's activations are released when it ends, the cache stays.
    const step = (ids: Int32Array): number | null => withDeviceScope(model.device, () => {
      const logits = model.forward(ids, 1, ids.length, { cache });
      const kernels = kernelsOfBuffer(logits.buffer);
      const last = kernels.view(logits.buffer, (ids.length - 1) * vocab, vocab);
      if (kept) kept.push(kernels.download(last).slice());
      return sequence.acceptToken(chooseNextTokens(last, vocab, [sequence])[0]);
    });
    try {
      let next = step(Int32Array.from(prompt));
      while (next !== null) next = step(Int32Array.of(next));
    } finally {
      cache.release();
    }
    return { ...sequence.result(), ...(kept ? { logits: kept } : {}) };
  });
}
