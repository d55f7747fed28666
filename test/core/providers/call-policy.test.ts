// The parts of a model call policy: backoff, retries, status classification, concurrency limits, prices and budgets, scripted replies.
import { ConcurrencyLimiter } from '../../../core/providers/concurrency-limiter';
import { computeBackoffDelay, retryWithBackoff } from '../../../core/providers/retry-with-backoff';
import { isRetryableStatus, parseRetryAfter } from '../../../core/providers/parse-retry-after';
import { RunBudget } from '../../../core/providers/run-budget';
import { priceUsage } from '../../../core/providers/price-usage';
import { ScriptedProvider } from '../../../core/providers/scripted-provider';

describe('call policy parts', () => {
  it('backs off exponentially with full jitter under a cap', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => computeBackoffDelay(attempt, 100, 1000, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(computeBackoffDelay(5, 100, 1000, () => 0)).toBe(0);
  });

  it('retries only retryable failures, up to the limit, honouring Retry-After', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retryWithBackoff(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error('throttled'), { retryAfter: 40 });
      return 'ok';
    }, { maxRetries: 5, baseDelayMs: 10, classify: (error) => ({ retryable: true, retryAfterMs: (error as { retryAfter: number }).retryAfter }), sleep: async (ms) => { delays.push(ms); }, random: () => 0.5 });
    expect(result).toBe('ok');
    expect(delays).toEqual([40, 40]);

    let attempts = 0;
    await expect(retryWithBackoff(async () => { attempts += 1; throw new Error('bad request'); }, { maxRetries: 5, classify: () => ({ retryable: false }), sleep: async () => undefined })).rejects.toThrow('bad request');
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(retryWithBackoff(async () => { attempts += 1; throw new Error('down'); }, { maxRetries: 2, classify: () => ({ retryable: true }), sleep: async () => undefined })).rejects.toThrow('down');
    expect(attempts).toBe(3);
  });

  it('classifies statuses and parses Retry-After', () => {
    expect([429, 500, 503, 408].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('limits concurrency and hands slots over in order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, index) => limiter.run(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(index);
      running -= 1;
    })));
    expect(peak).toBe(2);
    expect(order).toHaveLength(6);
    expect(limiter.running).toBe(0);
    expect(() => new ConcurrencyLimiter(0)).toThrow(/positive integer, received 0/);
  });

  it('prices usage and keeps a budget', () => {
    expect(priceUsage({ inputTokens: 2000, outputTokens: 500 }, { inputPer1k: 0.5, outputPer1k: 2 })).toBe(2);
    const budget = new RunBudget({ maxTrajectories: 2, maxTokens: 100 }, { trajectories: 1 });
    expect(budget.tryStartTrajectory()).toBe(true);
    expect(budget.tryStartTrajectory()).toBe(false);
    budget.record({ inputTokens: 60, outputTokens: 40 });
    expect(budget.isExhausted()).toBe(true);
    expect(budget.spending()).toEqual({ trajectories: 2, tokens: 100, costUsd: 0 });
  });

  it('replays scripted responses per conversation, repeating the last', async () => {
    const provider = new ScriptedProvider({ model: 's', responses: ['first', 'second'] });
    const user = { role: 'user' as const, content: 'q' };
    const assistant = { role: 'assistant' as const, content: 'x' };
    expect((await provider.generate([user])).text).toBe('first');
    expect((await provider.generate([user, assistant, user])).text).toBe('second');
    expect((await provider.generate([user, assistant, user, assistant, user])).text).toBe('second');
    expect((await provider.generate([user])).text).toBe('first');
    expect(() => new ScriptedProvider({ model: 's', responses: [] })).toThrow(/at least one response/);
  });
});
