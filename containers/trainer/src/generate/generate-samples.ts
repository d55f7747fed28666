// Several independent samples for one prompt, decoded together as a batch (one forward per step for all of them).
import { KeyValueCache } from '../model/key-value-cache';
import type { LlamaModel } from '../model/llama-model';
import { noGrad } from '../tensor/autograd';
import type { Rng } from '../tensor/random';
import type { GeneratedTokens, GenerationSettings } from './generate-tokens';
import { sampleToken } from './sample-token';

function firstStop(text: string, stops: readonly string[]): number {
  let earliest = -1;
  for (const stop of stops) {
    const found = text.indexOf(stop);
    if (found >= 0 && (earliest < 0 || found < earliest)) earliest = found;
  }
  return earliest;
}

/** Rows are sampled in order at each step, so a seed fixes every sample; finished rows stop drawing numbers. */
export function generateSamples(model: LlamaModel, prompt: readonly number[], count: number, settings: GenerationSettings, rng: Rng): GeneratedTokens[] {
  if (prompt.length === 0) throw new Error('generate: the prompt is empty; expected at least one token');
  const vocab = model.config.vocabSize;
  const capacity = Math.min(prompt.length + settings.maxTokens, model.config.maxPositions);
  if (prompt.length >= capacity) throw new Error(`generate: the prompt has ${prompt.length} tokens, leaving no room under max_position_embeddings ${model.config.maxPositions}`);
  return noGrad(() => {
    // Every sample starts from the same prompt: prefill it once, then give each row a copy of its keys and values.
    const prefill = new KeyValueCache(model.config, 1, capacity);
    const promptLogits = model.forward(Int32Array.from(prompt), 1, prompt.length, { cache: prefill }).data;
    const cache = count === 1 ? prefill : prefill.replicate(count);
    const lastLogits = promptLogits.subarray((prompt.length - 1) * vocab, prompt.length * vocab);
    let logits: Float32Array = new Float32Array(count * vocab);
    for (let row = 0; row < count; row += 1) logits.set(lastLogits, row * vocab);
    let rowLength = 1;
    const results: GeneratedTokens[] = Array.from({ length: count }, () => ({ tokens: [], text: '', finishReason: 'length' }));
    const done = new Array<boolean>(count).fill(false);
    const cutByStopString = new Array<boolean>(count).fill(false);
    const next = new Int32Array(count);
    while (cache.length < capacity) {
      for (let row = 0; row < count; row += 1) {
        if (done[row]) continue;
        const rowLogits = logits.subarray((row * rowLength + rowLength - 1) * vocab, (row * rowLength + rowLength) * vocab);
        const token = sampleToken(rowLogits, settings, rng);
        next[row] = token;
        const result = results[row];
        if (settings.stopTokenIds.includes(token)) {
          done[row] = true;
          result.finishReason = 'stop';
          continue;
        }
        result.tokens.push(token);
        if (settings.decode && settings.stopStrings && settings.stopStrings.length > 0) {
          const text = settings.decode(result.tokens);
          const stopAt = firstStop(text, settings.stopStrings);
          if (stopAt >= 0) {
            done[row] = true;
            result.finishReason = 'stop';
            result.text = text.slice(0, stopAt);
            cutByStopString[row] = true;
            continue;
          }
        }
        if (result.tokens.length >= settings.maxTokens) done[row] = true;
      }
      if (done.every(Boolean) || cache.length >= capacity) break;
      // Finished rows keep feeding a token so the batch stays rectangular; their outputs are ignored.
      logits = model.forward(next, count, 1, { cache }).data;
      rowLength = 1;
    }
    results.forEach((result, row) => {
      if (!cutByStopString[row] && settings.decode) result.text = settings.decode(result.tokens);
    });
    return results;
  });
}
