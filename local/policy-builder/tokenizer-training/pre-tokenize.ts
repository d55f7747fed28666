// Splits text into byte-level words exactly as the pre-tokenizer written to tokenizer.json does (Split on PRE_TOKEN_PATTERN, then bytes as printable symbols).
import { byteToUnicode } from '../../../containers/trainer/src/tokenizer/byte-level-tokenizer';

/**
 * Letter runs, single digits, punctuation runs and whitespace runs, each its own pre-token. A space is never glued to
 * the following word and a number is always spelled digit by digit, so a name or number copied from a question or a
 * tool result into an action gets the same tokens wherever it appears. `\p{White_Space}` rather than `\s` because the
 * runtime rewrites `\s` to it (JavaScript's `\s` differs on U+FEFF and U+0085). The classes cover every character.
 */
export const PRE_TOKEN_PATTERN_SOURCE = '[\\p{L}_]+|\\p{N}|[^\\p{White_Space}\\p{L}\\p{N}_]+|\\p{White_Space}+';

export const PRE_TOKEN_PATTERN = new RegExp(PRE_TOKEN_PATTERN_SOURCE, 'gu');

/** The tokenizer.json pre_tokenizer equivalent to `preTokenize`. */
export function createPreTokenizerJson(): Record<string, unknown> {
  return {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: PRE_TOKEN_PATTERN_SOURCE }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  };
}

const SYMBOLS = byteToUnicode();
const encoder = new TextEncoder();

/** One word as its byte symbols, e.g. " the" → ["Ġ", "t", "h", "e"]. */
export function toByteSymbols(word: string): string[] {
  return Array.from(encoder.encode(word), (byte) => SYMBOLS[byte]);
}

/** The pre-tokens of a text without special tokens, e.g. "Sekir 135" → ["Sekir", " ", "1", "3", "5"]. */
export function preTokenize(text: string): string[] {
  return Array.from(text.matchAll(PRE_TOKEN_PATTERN), (match) => match[0]);
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
      for (const word of preTokenize(piece)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}
