// Common call policy of remote providers: concurrency limit, per-call timeout, retries with backoff, cost accounting.
import { Message, TokenUsage } from '../schemas/message';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { GenerateOptions, GenerateResult, ModelProvider, ProviderError } from './model-provider';
import { addUsage, NO_USAGE, Pricing, priceUsage } from './price-usage';
import { RetryDecision, retryWithBackoff } from './retry-with-backoff';

export interface CallPolicy {
  model: string;
  temperature: number;
  topP: number;
  maxTokens: number;
  timeoutMs: number;
  maxRetries: number;
  maxConcurrency: number;
  pricing: Pricing;
}

export interface RetryTiming {
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface ProviderTotals {
  calls: number;
  retries: number;
  failures: number;
  usage: TokenUsage;
  costUsd: number;
}

/** Thrown by an attempt that ran past its timeout; retried like throttling. */
export class ProviderTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`model call timed out after ${timeoutMs} ms`);
    this.name = 'ProviderTimeoutError';
  }
}

/** Options resolved against the config: call options win, config supplies the rest. */
export type ResolvedOptions = Required<Pick<GenerateOptions, 'temperature' | 'topP' | 'maxTokens'>> & Pick<GenerateOptions, 'stop' | 'seed'>;

export abstract class ManagedProvider implements ModelProvider {
  readonly id: string;
  readonly totals: ProviderTotals = { calls: 0, retries: 0, failures: 0, usage: { ...NO_USAGE }, costUsd: 0 };
  private readonly limiter: ConcurrencyLimiter;

  protected constructor(readonly policy: CallPolicy, idPrefix: string, private readonly retryTiming: RetryTiming = {}) {
    this.id = `${idPrefix}:${policy.model}`;
    this.limiter = new ConcurrencyLimiter(policy.maxConcurrency);
  }

  /** One request to the backend; must honour `signal`. */
  protected abstract attempt(messages: Message[], options: ResolvedOptions, signal: AbortSignal): Promise<Omit<GenerateResult, 'costUsd'>>;

  /** Whether a failure is worth retrying (throttling, 429, 5xx, timeouts, dropped connections). */
  protected abstract classify(error: unknown): RetryDecision;

  /** A safe, one-line description of a failure (never includes credentials). */
  protected describeError(error: unknown): string {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  async generate(messages: Message[], options: GenerateOptions = {}): Promise<GenerateResult> {
    const resolved: ResolvedOptions = {
      temperature: options.temperature ?? this.policy.temperature,
      topP: options.topP ?? this.policy.topP,
      maxTokens: options.maxTokens ?? this.policy.maxTokens,
      stop: options.stop,
      seed: options.seed,
    };
    let result: Omit<GenerateResult, 'costUsd'>;
    try {
      result = await retryWithBackoff(() => this.limiter.run(() => this.attemptWithTimeout(messages, resolved)), {
        maxRetries: this.policy.maxRetries,
        baseDelayMs: this.retryTiming.baseDelayMs,
        maxDelayMs: this.retryTiming.maxDelayMs,
        classify: (error) => (error instanceof ProviderTimeoutError ? { retryable: true } : this.classify(error)),
        onRetry: () => {
          this.totals.retries += 1;
        },
      });
    } catch (error) {
      this.totals.failures += 1;
      const decision = error instanceof ProviderTimeoutError ? { retryable: true } : this.classify(error);
      const status = (error as { status?: number }).status;
      throw new ProviderError(`${this.id}: ${this.describeError(error)}`, decision.retryable, typeof status === 'number' ? status : undefined, { cause: error });
    }
    const costUsd = priceUsage(result.usage, this.policy.pricing);
    this.totals.calls += 1;
    this.totals.usage = addUsage(this.totals.usage, result.usage);
    this.totals.costUsd += costUsd;
    return { ...result, costUsd };
  }

  private async attemptWithTimeout(messages: Message[], options: ResolvedOptions): Promise<Omit<GenerateResult, 'costUsd'>> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new ProviderTimeoutError(this.policy.timeoutMs));
      }, this.policy.timeoutMs);
    });
    try {
      return await Promise.race([this.attempt(messages, options, controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
