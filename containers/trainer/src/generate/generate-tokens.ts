// Autoregressive generation of one sequence with a key-value cache: prefill the prompt once, then one token per step.
import { KeyValueCache } from '../model/key-value-cache';
import type { LlamaModel } from '../model/llama-model';
import { noGrad } from '../tensor/autograd';
import type { Rng } from '../tensor/random';
import { DecodeSequence, GeneratedTokens, GenerationSettings, planCapacity } from './decode-sequence';

function lastRow(logits: Float32Array, vocab: number): Float32Array {
  return logits.slice(logits.length - vocab);
}

export function generateTokens(model: LlamaModel, prompt: readonly number[], settings: GenerationSettings, rng: Rng, keepLogits = false): GeneratedTokens {
  const vocab = model.config.vocabSize;
  const capacity = planCapacity(prompt.length, settings, model.config.maxPositions);
  return noGrad(() => {
    const sequence = new DecodeSequence(prompt, settings, rng, capacity);
    const cache = new KeyValueCache(model.config, 1, capacity);
    let logits = lastRow(model.forward(Int32Array.from(prompt), 1, prompt.length, { cache }).data, vocab);
    const kept: Float32Array[] = [];
    for (;;) {
      if (keepLogits) kept.push(logits);
      const next = sequence.accept(logits);
      if (next === null) break;
      logits = lastRow(model.forward(Int32Array.of(next), 1, 1, { cache }).data, vocab);
    }
    return { ...sequence.result(), ...(keepLogits ? { logits: kept } : {}) };
  });
}
