// The one interface every model sits behind: messages in, text, finish reason and token usage out.
import { Message, TokenUsage } from '../schemas/message';

export interface GenerateOptions {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  /** Sampling seed, passed on where the backend supports one. */
  seed?: number;
}

export interface GenerateResult {
  text: string;
  finishReason: 'stop' | 'length' | 'error';
  usage: TokenUsage;
  /** Price of this call from the model's configured per-1K-token prices; 0 when unpriced. */
  costUsd?: number;
}

export interface ModelProvider {
  readonly id: string;
  generate(messages: Message[], options?: GenerateOptions): Promise<GenerateResult>;
}

/** A model call that failed for good (after retries, or not retryable). */
export class ProviderError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
