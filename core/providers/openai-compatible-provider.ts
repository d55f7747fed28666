// Adapter for any OpenAI-compatible chat-completions endpoint (vLLM, SGLang, llama.cpp server, Ollama, OpenAI).
import OpenAI from 'openai';
import { z } from 'zod';
import { OpenAiCompatibleModelSchema } from '../schemas/model-config';
import { Message } from '../schemas/message';
import { ManagedProvider, ResolvedOptions, RetryTiming } from './managed-provider';
import { GenerateResult } from './model-provider';
import { createKeepAliveFetch, ResponseTooLargeError } from './keep-alive-fetch';
import { isRetryableStatus, parseRetryAfter } from './parse-retry-after';
import { ApiKeyContext, resolveApiKey } from './resolve-api-key';
import { RetryDecision } from './retry-with-backoff';

export type OpenAiCompatibleModelConfig = z.infer<typeof OpenAiCompatibleModelSchema>;

// Servers without authentication still need a non-empty bearer value for the client library.
const PLACEHOLDER_API_KEY = 'not-needed';

export class OpenAiCompatibleProvider extends ManagedProvider {
  private client: Promise<OpenAI> | null = null;

  constructor(readonly config: OpenAiCompatibleModelConfig, private readonly keyContext: ApiKeyContext = {}, retryTiming?: RetryTiming) {
    super(config, 'openai-compatible', retryTiming);
  }

  private getClient(): Promise<OpenAI> {
    if (!this.client) {
      this.client = resolveApiKey(this.config, this.keyContext).then((apiKey) => new OpenAI({
        apiKey: apiKey ?? PLACEHOLDER_API_KEY,
        baseURL: this.config.baseUrl,
        // Retries and timeouts are the managed policy's job, so the library must not add its own.
        maxRetries: 0,
        timeout: this.config.timeoutMs,
        fetch: createKeepAliveFetch(),
      }));
      this.client.catch(() => {
        this.client = null;
      });
    }
    return this.client;
  }

  protected async attempt(messages: Message[], options: ResolvedOptions, signal: AbortSignal): Promise<Omit<GenerateResult, 'costUsd'>> {
    const client = await this.getClient();
    const response = await client.chat.completions.create({
      model: this.config.model,
      messages: messages.map((message) => ({ role: message.role, content: message.content })),
      temperature: options.temperature,
      top_p: options.topP,
      max_tokens: options.maxTokens,
      ...(options.stop && options.stop.length > 0 ? { stop: options.stop } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    }, { signal });
    const choice = response.choices?.[0];
    if (!choice) throw new Error('response has no choices');
    const finish = choice.finish_reason;
    return {
      text: choice.message?.content ?? '',
      finishReason: finish === 'length' ? 'length' : finish === 'content_filter' ? 'error' : 'stop',
      usage: { inputTokens: response.usage?.prompt_tokens ?? 0, outputTokens: response.usage?.completion_tokens ?? 0 },
    };
  }

  protected classify(error: unknown): RetryDecision {
    if (error instanceof OpenAI.APIConnectionError) return { retryable: !(error.cause instanceof ResponseTooLargeError) };
    if (error instanceof OpenAI.APIError) {
      return { retryable: isRetryableStatus(error.status), retryAfterMs: parseRetryAfter(error.headers?.get('retry-after')) };
    }
    return { retryable: false };
  }

  protected override describeError(error: unknown): string {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return `HTTP ${error.status}: ${error.message}`;
    // The library says only "Connection error."; the transport's own error says what happened.
    if (error instanceof OpenAI.APIConnectionError && error.cause instanceof Error) return `${error.message} (${error.cause.message})`;
    return super.describeError(error);
  }
}
