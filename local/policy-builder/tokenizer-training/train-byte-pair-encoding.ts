// Byte-level BPE training: start from the 256 byte symbols and repeatedly merge the most frequent adjacent pair.
import { byteToUnicode } from '../../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { countWords, toByteSymbols } from './pre-tokenize';

export interface BytePairEncodingOptions {
  /** Total vocabulary: 256 bytes + special tokens + merges. */
  vocabularySize: number;
  /** Added tokens with ids right after the bytes (e.g. chat markers). */
  specialTokens: readonly string[];
  /** Pairs seen fewer times than this are never merged. Default 2. */
  minFrequency?: number;
}

export interface BytePairEncoding {
  /** Token → id: bytes 0–255, special tokens, then one token per merge in merge order. */
  vocabulary: Map<string, number>;
  /** Merges in priority order, as [left, right] symbol pairs. */
  merges: [string, string][];
  specialTokens: readonly string[];
}

interface WordEntry {
  symbols: string[];
  count: number;
}

function countPairs(words: readonly WordEntry[]): Map<string, { left: string; right: string; count: number }> {
  const pairs = new Map<string, { left: string; right: string; count: number }>();
  for (const word of words) {
    for (let index = 0; index + 1 < word.symbols.length; index++) {
      const left = word.symbols[index];
      const right = word.symbols[index + 1];
      const key = `${left}\u0000${right}`;
      const entry = pairs.get(key);
      if (entry) entry.count += word.count;
      else pairs.set(key, { left, right, count: word.count });
    }
  }
  return pairs;
}

function applyMerge(word: WordEntry, left: string, right: string, merged: string): void {
  const symbols = word.symbols;
  const result: string[] = [];
  for (let index = 0; index < symbols.length; index++) {
    if (index + 1 < symbols.length && symbols[index] === left && symbols[index + 1] === right) {
      result.push(merged);
      index++;
    } else {
      result.push(symbols[index]);
    }
  }
  word.symbols = result;
}

/** Trains on raw texts; deterministic (ties go to the lexicographically smallest pair). */
export function trainBytePairEncoding(texts: Iterable<string>, options: BytePairEncodingOptions): BytePairEncoding {
  const { vocabularySize, specialTokens, minFrequency = 2 } = options;
  const base = 256 + specialTokens.length;
  if (!Number.isInteger(vocabularySize) || vocabularySize < base) {
    throw new RangeError(`vocabularySize: expected an integer >= ${base} (256 bytes + ${specialTokens.length} special tokens), received ${String(vocabularySize)}`);
  }
  if (new Set(specialTokens).size !== specialTokens.length) throw new Error(`specialTokens: expected distinct tokens, received ${JSON.stringify(specialTokens)}`);
  const vocabulary = new Map<string, number>();
  byteToUnicode().forEach((symbol, byte) => vocabulary.set(symbol, byte));
  specialTokens.forEach((token, index) => vocabulary.set(token, 256 + index));
  const words: WordEntry[] = [...countWords(texts, specialTokens)]
    .sort((left, right) => (left[0] < right[0] ? -1 : left[0] > right[0] ? 1 : 0))
    .map(([word, count]) => ({ symbols: toByteSymbols(word), count }));
  const merges: [string, string][] = [];
  while (vocabulary.size < vocabularySize) {
    let best: { left: string; right: string; count: number } | null = null;
    for (const pair of countPairs(words).values()) {
      if (pair.count < minFrequency || vocabulary.has(pair.left + pair.right)) continue;
      if (!best || pair.count > best.count || (pair.count === best.count && (pair.left + ' ' + pair.right) < (best.left + ' ' + best.right))) best = pair;
    }
    if (!best) break;
    const merged = best.left + best.right;
    merges.push([best.left, best.right]);
    vocabulary.set(merged, vocabulary.size);
    for (const word of words) if (word.symbols.length > 1) applyMerge(word, best.left, best.right, merged);
  }
  return { vocabulary, merges, specialTokens };
}
