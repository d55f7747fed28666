// Splits text into byte-level words exactly as the ByteLevel pre-tokenizer of tokenizer.json does (GPT-2 pattern, bytes as printable symbols).
import { byteToUnicode } from '../tokenizer/byte-level-tokenizer';

/** The GPT-2 split pattern that the ByteLevel pre-tokenizer applies when `use_regex` is true. */
export const BYTE_LEVEL_SPLIT_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const SYMBOLS = byteToUnicode();
const encoder = new TextEncoder();

/** One word as its byte symbols, e.g. " the" → ["Ġ", "t", "h", "e"]. */
export function toByteSymbols(word: string): string[] {
  return Array.from(encoder.encode(word), (byte) => SYMBOLS[byte]);
}

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text pieces between special tokens: special tokens are matched whole at encoding time and never take part in merges. */
export function splitOnSpecialTokens(text: string, specialTokens: readonly string[]): string[] {
  if (specialTokens.length === 0) return [text];
  const pattern = new RegExp(specialTokens.map(escapeForPattern).join('|'), 'g');
  return text.split(pattern).filter((piece) => piece.length > 0);
}

/** Counts the pre-tokenized words of many texts: the input of BPE training. */
export function countWords(texts: Iterable<string>, specialTokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const piece of splitOnSpecialTokens(text, specialTokens)) {
      for (const match of piece.matchAll(BYTE_LEVEL_SPLIT_PATTERN)) {
        counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
      }
    }
  }
  return counts;
}
