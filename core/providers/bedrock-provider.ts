// Adapter for the Amazon Bedrock Converse API (foundation models, inference profiles and Custom Model Import models).
import { BedrockRuntimeClient, ContentBlock, ConverseCommand, Message as BedrockMessage, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { z } from 'zod';
import { BedrockModelSchema } from '../schemas/model-config';
import { Message } from '../schemas/message';
import { ManagedProvider, ResolvedOptions, RetryTiming } from './managed-provider';
import { GenerateResult } from './model-provider';
import { isRetryableStatus } from './parse-retry-after';
import { RetryDecision } from './retry-with-backoff';

export type BedrockModelConfig = z.infer<typeof BedrockModelSchema>;

const RETRYABLE_ERRORS = new Set([
  'ThrottlingException', 'ServiceUnavailableException', 'InternalServerException', 'ModelNotReadyException', 'ModelTimeoutException', 'TimeoutError',
]);

/** Converse wants system text apart and strictly alternating user/assistant turns starting with the user. */
export function toConverseMessages(messages: Message[]): { system: SystemContentBlock[]; messages: BedrockMessage[] } {
  const system: SystemContentBlock[] = [];
  const turns: BedrockMessage[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      system.push({ text: message.content });
      continue;
    }
    const previous = turns[turns.length - 1];
    if (previous && previous.role === message.role) previous.content!.push({ text: message.content } as ContentBlock);
    else turns.push({ role: message.role, content: [{ text: message.content }] });
  }
  if (turns.length > 0 && turns[0].role !== 'user') turns.unshift({ role: 'user', content: [{ text: '(continue)' }] });
  return { system, messages: turns };
}

export class BedrockProvider extends ManagedProvider {
  private readonly client: BedrockRuntimeClient;

  constructor(readonly config: BedrockModelConfig, client?: BedrockRuntimeClient, retryTiming?: RetryTiming) {
    super(config, 'bedrock', retryTiming);
    this.client = client ?? new BedrockRuntimeClient({
      region: config.region ?? process.env.AWS_REGION ?? 'us-east-1',
      endpoint: config.endpoint,
      // The managed policy retries with its own backoff; the SDK must not multiply attempts.
      maxAttempts: 1,
      // Plain-http endpoints (local servers, proxies) speak HTTP/1.1; the SDK's default HTTP/2 needs TLS there.
      ...(config.endpoint?.startsWith('http:') ? { requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: config.maxConcurrency } }) } : {}),
    });
  }

  protected async attempt(messages: Message[], options: ResolvedOptions, signal: AbortSignal): Promise<Omit<GenerateResult, 'costUsd'>> {
    const converse = toConverseMessages(messages);
    const response = await this.client.send(new ConverseCommand({
      modelId: this.config.model,
      messages: converse.messages,
      ...(converse.system.length > 0 ? { system: converse.system } : {}),
      inferenceConfig: {
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        topP: options.topP,
        ...(options.stop && options.stop.length > 0 ? { stopSequences: options.stop } : {}),
      },
    }), { abortSignal: signal });
    const text = (response.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
    const stop = response.stopReason;
    return {
      text,
      finishReason: stop === 'max_tokens' || stop === 'model_context_window_exceeded' ? 'length'
        : stop === 'end_turn' || stop === 'stop_sequence' || stop === undefined ? 'stop' : 'error',
      usage: { inputTokens: response.usage?.inputTokens ?? 0, outputTokens: response.usage?.outputTokens ?? 0 },
    };
  }

  protected classify(error: unknown): RetryDecision {
    const name = (error as { name?: string }).name ?? '';
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (RETRYABLE_ERRORS.has(name)) return { retryable: true };
    if ((error as { $retryable?: unknown }).$retryable) return { retryable: true };
    if (status !== undefined) return { retryable: isRetryableStatus(status) };
    // No HTTP status at all means the connection failed before a response.
    return { retryable: name !== 'ValidationException' && name !== 'AccessDeniedException' };
  }
}
