// Token and cost accounting: the price of a call from per-1K-token prices.
import { TokenUsage } from '../schemas/message';

export interface Pricing {
  inputPer1k: number;
  outputPer1k: number;
}

export function priceUsage(usage: TokenUsage, pricing: Pricing | undefined): number {
  if (!pricing) return 0;
  return (usage.inputTokens * pricing.inputPer1k + usage.outputTokens * pricing.outputPer1k) / 1000;
}

export function addUsage(left: TokenUsage, right: TokenUsage): TokenUsage {
  return { inputTokens: left.inputTokens + right.inputTokens, outputTokens: left.outputTokens + right.outputTokens };
}

export const NO_USAGE: TokenUsage = Object.freeze({ inputTokens: 0, outputTokens: 0 });
