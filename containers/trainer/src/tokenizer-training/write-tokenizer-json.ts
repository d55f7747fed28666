// Serializes a trained byte-level BPE as Hugging Face tokenizer.json (+ tokenizer_config.json for the chat template).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { END_OF_TEXT_TOKEN, TURN_END_TOKEN } from '../tokenizer/byte-level-tokenizer';
import { createPreTokenizerJson } from './pre-tokenize';
import type { BytePairEncoding } from './train-byte-pair-encoding';

export function createTokenizerJson(encoding: BytePairEncoding): Record<string, unknown> {
  const addedTokens = encoding.specialTokens.map((content) => ({
    id: encoding.vocabulary.get(content)!,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: createPreTokenizerJson(),
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(encoding.vocabulary),
      merges: encoding.merges.map(([left, right]) => [left, right]),
    },
  };
}

/** ChatML markers, as the trainer's chat template expects (see tokenizer/chat-template.ts). */
export function createTokenizerConfig(): Record<string, unknown> {
  return {
    model_max_length: 2048,
    eos_token: TURN_END_TOKEN,
    pad_token: END_OF_TEXT_TOKEN,
    bos_token: null,
    clean_up_tokenization_spaces: false,
    chat_template_name: 'chatml',
  };
}

/** Writes tokenizer.json and tokenizer_config.json into a model directory. */
export async function writeTokenizerFiles(directory: string, encoding: BytePairEncoding): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'tokenizer.json'), `${JSON.stringify(createTokenizerJson(encoding))}\n`);
  await writeFile(path.join(directory, 'tokenizer_config.json'), `${JSON.stringify(createTokenizerConfig(), null, 2)}\n`);
}
