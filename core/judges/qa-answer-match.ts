// SQuAD-style answer scoring: normalized exact match and token F1, the best over the gold answer and its aliases.
const ARTICLES = /\b(a|an|the)\b/g;
const PUNCTUATION = /[\p{P}\p{S}]/gu;

/** Lower case, punctuation and articles removed, whitespace collapsed (the SQuAD normalization). */
export function normalizeAnswer(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, ' ').replace(ARTICLES, ' ').replace(/\s+/g, ' ').trim();
}

export function exactMatch(prediction: string, gold: string): boolean {
  return normalizeAnswer(prediction) === normalizeAnswer(gold);
}

export function tokenF1(prediction: string, gold: string): number {
  const predicted = normalizeAnswer(prediction).split(' ').filter(Boolean);
  const expected = normalizeAnswer(gold).split(' ').filter(Boolean);
  if (predicted.length === 0 || expected.length === 0) return predicted.length === expected.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / predicted.length;
  const recall = common / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface QaScore {
  exactMatch: boolean;
  f1: number;
}

/** Best exact match and best F1 over every accepted answer. */
export function scoreQaAnswer(prediction: string, gold: string, aliases: readonly string[] = []): QaScore {
  let best: QaScore = { exactMatch: false, f1: 0 };
  for (const accepted of [gold, ...aliases]) {
    best = { exactMatch: best.exactMatch || exactMatch(prediction, accepted), f1: Math.max(best.f1, tokenF1(prediction, accepted)) };
  }
  return best;
}
