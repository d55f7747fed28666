// Chat-level generation: messages through the chat template in, the assistant's reply text out.
import type { Message } from '../../../../core/schemas/message';
import type { LlamaModel } from '../model/llama-model';
import { Rng } from '../tensor/random';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';
import type { BatchedGenerator } from './batched-generator';
import type { GeneratedTokens, GenerationSettings } from './decode-sequence';
import { generateTokens } from './generate-tokens';

export interface ReplySettings {
  temperature: number;
  topP: number;
  maxTokens: number;
  stop?: readonly string[];
}

export interface Reply {
  text: string;
  tokens: number[];
  promptTokens: number[];
  finishReason: 'stop' | 'length';
}

/** Keeps the newest context when the prompt would leave fewer than maxTokens positions. */
export function encodePrompt(tokenizer: TextTokenizer, messages: readonly Message[], room: number): number[] {
  const prompt = tokenizer.encode(tokenizer.template.renderPrompt(messages));
  return prompt.length > room ? prompt.slice(prompt.length - room) : prompt;
}

/** The prompt's tokens and the decoding settings of one reply. */
export function prepareReply(config: LlamaModel['config'], tokenizer: TextTokenizer, messages: readonly Message[], settings: ReplySettings): { promptTokens: number[]; generation: GenerationSettings } {
  const maxTokens = Math.min(settings.maxTokens, config.maxPositions - 1);
  return {
    promptTokens: encodePrompt(tokenizer, messages, config.maxPositions - maxTokens),
    generation: {
      temperature: settings.temperature,
      topP: settings.topP,
      maxTokens,
      stopTokenIds: tokenizer.stopTokenIds,
      stopStrings: [...(settings.stop ?? []), ...tokenizer.template.stopStrings],
      decode: (ids) => tokenizer.decode(ids, false),
    },
  };
}

function toReply(result: GeneratedTokens, promptTokens: number[]): Reply {
  return { text: result.text, tokens: result.tokens, promptTokens, finishReason: result.finishReason };
}

/** One reply decoded alone (no batching). */
export function generateReply(model: LlamaModel, tokenizer: TextTokenizer, messages: readonly Message[], settings: ReplySettings, rng: Rng): Reply {
  const { promptTokens, generation } = prepareReply(model.config, tokenizer, messages, settings);
  return toReply(generateTokens(model, promptTokens, generation, rng), promptTokens);
}

/** One reply decoded by the batched generator, beside whatever other calls it is serving. */
export async function generateBatchedReply(generator: BatchedGenerator, tokenizer: TextTokenizer, messages: readonly Message[], settings: ReplySettings, rng: Rng): Promise<Reply> {
  const { promptTokens, generation } = prepareReply(generator.model.config, tokenizer, messages, settings);
  return toReply(await generator.generate(promptTokens, generation, rng), promptTokens);
}

/** The seed of sample `index` of a group seeded `seed`: each sample has its own stream, whatever batch it runs in. */
export function deriveSampleSeed(seed: number, index: number): number {
  let hash = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  hash = Math.imul((hash ^ (hash >>> 13) ^ index) >>> 0, 0xc2b2ae35) >>> 0;
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** `count` independent replies to the same messages; the samples share the prompt's prefill through the generator. */
export function generateReplies(generator: BatchedGenerator, tokenizer: TextTokenizer, messages: readonly Message[], count: number, settings: ReplySettings, seed: number): Promise<Reply[]> {
  const { promptTokens, generation } = prepareReply(generator.model.config, tokenizer, messages, settings);
  return Promise.all(Array.from({ length: count }, async (_, index) => toReply(await generator.generate(promptTokens, generation, new Rng(deriveSampleSeed(seed, index))), promptTokens)));
}

export function createSeededRng(seed: number | undefined): Rng {
  return new Rng(seed ?? Math.floor(Math.random() * 2 ** 31));
}
