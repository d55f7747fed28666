// A byte-level tokenizer.json for our own small models: 256 byte tokens plus the chat special tokens.

export const END_OF_TEXT_TOKEN = '<|endoftext|>';
export const TURN_START_TOKEN = '<|im_start|>';
export const TURN_END_TOKEN = '<|im_end|>';
export const BYTE_LEVEL_SPECIAL_TOKENS = [END_OF_TEXT_TOKEN, TURN_START_TOKEN, TURN_END_TOKEN] as const;

/** GPT-2's printable stand-in for each byte, which the ByteLevel pre-tokenizer and decoder expect. */
export function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let code = 33; code <= 126; code += 1) printable.push(code);
  for (let code = 161; code <= 172; code += 1) printable.push(code);
  for (let code = 174; code <= 255; code += 1) printable.push(code);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let byte = 0; byte < 256; byte += 1) {
    table[byte] = printable.includes(byte) ? String.fromCharCode(byte) : String.fromCharCode(256 + extra++);
  }
  return table;
}

/** The parts in which byte-level BPE tokenizer.json files differ; everything else is fixed. */
export interface BytePairTokenizerParts {
  specialTokens: ReadonlyArray<{ id: number; content: string }>;
  vocabulary: Record<string, number>;
  merges: ReadonlyArray<readonly [string, string]>;
  preTokenizer: Record<string, unknown>;
  postProcessor: Record<string, unknown> | null;
}

/** Hugging Face tokenizer.json for a byte-level BPE model. */
export function assembleBytePairTokenizerJson(parts: BytePairTokenizerParts): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: parts.specialTokens.map(({ id, content }) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: parts.preTokenizer,
    post_processor: parts.postProcessor,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: parts.vocabulary,
      merges: parts.merges.map(([left, right]) => [left, right]),
    },
  };
}

/** tokenizer.json content: BPE with no merges over bytes, so every string round-trips. */
export function createByteLevelTokenizerJson(): Record<string, unknown> {
  const vocabulary: Record<string, number> = {};
  byteToUnicode().forEach((symbol, byte) => {
    vocabulary[symbol] = byte;
  });
  const specialTokens = BYTE_LEVEL_SPECIAL_TOKENS.map((content, index) => ({ id: 256 + index, content }));
  for (const token of specialTokens) vocabulary[token.content] = token.id;
  return assembleBytePairTokenizerJson({
    specialTokens,
    vocabulary,
    merges: [],
    preTokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    postProcessor: null,
  });
}

export function createByteLevelTokenizerConfig(): Record<string, unknown> {
  return {
    model_max_length: 4096,
    eos_token: TURN_END_TOKEN,
    pad_token: END_OF_TEXT_TOKEN,
    bos_token: null,
    clean_up_tokenization_spaces: false,
    chat_template_name: 'chatml',
  };
}

export const BYTE_LEVEL_VOCABULARY_SIZE = 256 + BYTE_LEVEL_SPECIAL_TOKENS.length;
