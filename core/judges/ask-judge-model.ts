// Asks a judge model until its reply parses, adding up what every attempt cost and why each failed one failed.
import { Message } from '../schemas/message';
import { JudgeCache } from './judge-cache';
import { JudgeGenerateOptions, JudgeModel } from './judge-model';

/** What an LLM judge is built from; each judge names what its template fills in. */
export interface LlmJudgeOptions {
  model: JudgeModel;
  prompt: string;
  promptVersion: string;
  /** Extra attempts after an unparseable reply or a model error before giving up. Default 2. */
  parseRetries?: number;
  generateOptions?: JudgeGenerateOptions;
  cache?: JudgeCache;
}

/** What judging one item paid now; all zero on a cache hit. */
export interface JudgePayment {
  /** True when the verdict came from the cache and nothing was paid now. */
  cached: boolean;
  paidInputTokens: number;
  paidOutputTokens: number;
  paidCostUsd: number;
}

export interface JudgeReply<T> {
  /** The parsed verdict, or null when no attempt gave a readable one. */
  verdict: T | null;
  /** The reply the verdict was parsed from ('' when none). */
  text: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** One line per failed attempt. */
  failures: string[];
}

export const UNPAID: JudgePayment = { cached: false, paidInputTokens: 0, paidOutputTokens: 0, paidCostUsd: 0 };

export function describeReply(text: string): string {
  if (text.trim() === '') return 'an empty reply';
  const flat = text.trim().replace(/\s+/g, ' ');
  return `"${flat.length > 120 ? `${flat.slice(0, 117)}...` : flat}"`;
}

/**
 * Up to `attempts` calls; a thrown error, a finish reason of "error" or an unparseable reply costs one attempt.
 * Tokens of every attempt count, because every attempt was paid for.
 */
export async function askJudgeModel<T>(
  model: JudgeModel,
  messages: Message[],
  options: { attempts: number; generateOptions?: JudgeGenerateOptions; parse: (text: string) => T | null; expected: string },
): Promise<JudgeReply<T>> {
  const reply: JudgeReply<T> = { verdict: null, text: '', inputTokens: 0, outputTokens: 0, costUsd: 0, failures: [] };
  for (let attempt = 0; attempt < options.attempts; attempt += 1) {
    let text: string;
    try {
      const result = await model.generate(messages, options.generateOptions);
      reply.inputTokens += result.usage.inputTokens;
      reply.outputTokens += result.usage.outputTokens;
      reply.costUsd += result.costUsd ?? 0;
      if (result.finishReason === 'error') {
        reply.failures.push(`attempt ${attempt + 1}: model error (${describeReply(result.text)})`);
        continue;
      }
      text = result.text;
    } catch (error) {
      reply.failures.push(`attempt ${attempt + 1}: model error (${(error as Error).message})`);
      continue;
    }
    const verdict = options.parse(text);
    if (verdict === null) {
      reply.failures.push(`attempt ${attempt + 1}: expected ${options.expected}, received ${describeReply(text)}`);
      continue;
    }
    return { ...reply, verdict, text };
  }
  return reply;
}

/** The payment record of a reply that was asked for now (not taken from the cache). */
export function paymentOf(reply: JudgeReply<unknown>): JudgePayment {
  return { cached: false, paidInputTokens: reply.inputTokens, paidOutputTokens: reply.outputTokens, paidCostUsd: reply.costUsd };
}
