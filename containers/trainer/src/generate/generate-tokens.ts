// Autoregressive generation of one sequence with a key-value cache: prefill the prompt once, then one token per step.
import { KeyValueCache } from '../model/key-value-cache';
import type { LlamaModel } from '../model/llama-model';
import { noGrad } from '../tensor/autograd';
import { kernelsOfBuffer } from '../tensor/device';
import type { Rng } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { DecodeSequence, GeneratedTokens, GenerationSettings, planCapacity } from './decode-sequence';

/** The next token after the last logits row, chosen where the logits live (with the logits on the host when kept). */
function chooseNext(sequence: DecodeSequence, logits: Tensor, vocab: number, kept: Float32Array[] | null): number | null {
  const rows = logits.size / vocab;
  const kernels = kernelsOfBuffer(logits.buffer);
  const last = kernels.view(logits.buffer, (rows - 1) * vocab, vocab);
  if (kept) kept.push(kernels.download(last).slice());
  const { temperature, topP } = sequence.settings;
  const [token] = kernels.sampleTokens(last, { rows: 1, vocab, temperatures: Float64Array.of(temperature), topPs: Float64Array.of(topP), draws: Float64Array.of(sequence.nextDraw()) });
  return sequence.acceptToken(token);
}

export function generateTokens(model: LlamaModel, prompt: readonly number[], settings: GenerationSettings, rng: Rng, keepLogits = false): GeneratedTokens {
  const vocab = model.config.vocabSize;
  const capacity = planCapacity(prompt.length, settings, model.config.maxPositions);
  return noGrad(() => {
    const sequence = new DecodeSequence(prompt, settings, rng, capacity);
    const cache = new KeyValueCache(model.config, 1, capacity, model.device);
    const kept: Float32Array[] | null = keepLogits ? [] : null;
    try {
      let next = chooseNext(sequence, model.forward(Int32Array.from(prompt), 1, prompt.length, { cache }), vocab, kept);
      while (next !== null) next = chooseNext(sequence, model.forward(Int32Array.of(next), 1, 1, { cache }), vocab, kept);
    } finally {
      cache.release();
    }
    return { ...sequence.result(), ...(kept ? { logits: kept } : {}) };
  });
}
