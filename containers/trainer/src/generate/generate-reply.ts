// Chat-level generation: messages through the chat template in, the assistant's reply text out.
import type { Message } from '../../../../core/schemas/message';
import type { LlamaModel } from '../model/llama-model';
import { Rng } from '../tensor/random';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';
import { generateSamples } from './generate-samples';
import { generateTokens, GenerationSettings } from './generate-tokens';

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

function prepare(model: LlamaModel, tokenizer: TextTokenizer, messages: readonly Message[], settings: ReplySettings): { promptTokens: number[]; generation: GenerationSettings } {
  const maxTokens = Math.min(settings.maxTokens, model.config.maxPositions - 1);
  return {
    promptTokens: encodePrompt(tokenizer, messages, model.config.maxPositions - maxTokens),
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

export function generateReply(model: LlamaModel, tokenizer: TextTokenizer, messages: readonly Message[], settings: ReplySettings, rng: Rng): Reply {
  const { promptTokens, generation } = prepare(model, tokenizer, messages, settings);
  const result = generateTokens(model, promptTokens, generation, rng);
  return { text: result.text, tokens: result.tokens, promptTokens, finishReason: result.finishReason };
}

/** `count` independent replies to the same messages, decoded as one batch. */
export function generateReplies(model: LlamaModel, tokenizer: TextTokenizer, messages: readonly Message[], count: number, settings: ReplySettings, rng: Rng): Reply[] {
  const { promptTokens, generation } = prepare(model, tokenizer, messages, settings);
  return generateSamples(model, promptTokens, count, generation, rng).map((result) => ({ text: result.text, tokens: result.tokens, promptTokens, finishReason: result.finishReason }));
}

export function createSeededRng(seed: number | undefined): Rng {
  return new Rng(seed ?? Math.floor(Math.random() * 2 ** 31));
}
