// Autoregressive generation with a key-value cache: prefill the prompt once, then one token per step.
import { KeyValueCache } from '../model/key-value-cache';
import type { LlamaModel } from '../model/llama-model';
import { noGrad } from '../tensor/autograd';
import type { Rng } from '../tensor/random';
import { sampleToken, SamplingSettings } from './sample-token';

export interface GenerationSettings extends SamplingSettings {
  maxTokens: number;
  /** Token ids that end the turn (not included in the output). */
  stopTokenIds: readonly number[];
  /** Text stop sequences, checked on the decoded output (needs `decode`). */
  stopStrings?: readonly string[];
  decode?: (ids: readonly number[]) => string;
}

export interface GeneratedTokens {
  tokens: number[];
  /** Decoded output cut before the first stop string (when decode is given). */
  text: string;
  finishReason: 'stop' | 'length';
  /** Logits of each generated position (only when keepLogits is set; for tests and checks). */
  logits?: Float32Array[];
}

function lastRow(logits: Float32Array, vocab: number): Float32Array {
  return logits.slice(logits.length - vocab);
}

export function generateTokens(model: LlamaModel, prompt: readonly number[], settings: GenerationSettings, rng: Rng, keepLogits = false): GeneratedTokens {
  if (prompt.length === 0) throw new Error('generate: the prompt is empty; expected at least one token');
  const vocab = model.config.vocabSize;
  const capacity = Math.min(prompt.length + settings.maxTokens, model.config.maxPositions);
  if (prompt.length >= capacity) throw new Error(`generate: the prompt has ${prompt.length} tokens, leaving no room under max_position_embeddings ${model.config.maxPositions}`);
  return noGrad(() => {
    const cache = new KeyValueCache(model.config, 1, capacity);
    let logits = lastRow(model.forward(Int32Array.from(prompt), 1, prompt.length, { cache }).data, vocab);
    const tokens: number[] = [];
    const kept: Float32Array[] = [];
    let text = '';
    while (tokens.length < settings.maxTokens && cache.length < capacity) {
      if (keepLogits) kept.push(logits);
      const token = sampleToken(logits, settings, rng);
      if (settings.stopTokenIds.includes(token)) return { tokens, text: settings.decode ? settings.decode(tokens) : '', finishReason: 'stop', logits: keepLogits ? kept : undefined };
      tokens.push(token);
      if (settings.decode && settings.stopStrings && settings.stopStrings.length > 0) {
        text = settings.decode(tokens);
        const stopAt = Math.min(...settings.stopStrings.map((stop) => { const found = text.indexOf(stop); return found < 0 ? Infinity : found; }));
        if (stopAt !== Infinity) return { tokens, text: text.slice(0, stopAt), finishReason: 'stop', logits: keepLogits ? kept : undefined };
      }
      if (tokens.length >= settings.maxTokens || cache.length >= capacity) break;
      logits = lastRow(model.forward(Int32Array.of(token), 1, 1, { cache }).data, vocab);
    }
    return { tokens, text: settings.decode ? settings.decode(tokens) : '', finishReason: 'length', logits: keepLogits ? kept : undefined };
  });
}
