// Retries a failing call with exponential backoff and full jitter, honouring a server's Retry-After hint.

export interface RetryDecision {
  retryable: boolean;
  /** Delay the server asked for, in milliseconds. */
  retryAfterMs?: number;
}

export interface RetryOptions {
  maxRetries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  classify: (error: unknown) => RetryDecision;
  random?: () => number;
  sleep?: (milliseconds: number) => Promise<void>;
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/** Full jitter: uniform in [0, min(cap, base·2^attempt)], which spreads synchronized retries best. */
export function computeBackoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

const defaultSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

export async function retryWithBackoff<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const sleep = options.sleep ?? defaultSleep;
  for (let attemptNumber = 0; ; attemptNumber += 1) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retryable || attemptNumber >= options.maxRetries) throw error;
      const jittered = computeBackoffDelay(attemptNumber, baseDelayMs, maxDelayMs, options.random);
      const delay = Math.min(maxDelayMs, Math.max(jittered, decision.retryAfterMs ?? 0));
      options.onRetry?.(attemptNumber + 1, delay, error);
      await sleep(delay);
    }
  }
}
