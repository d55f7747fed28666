// Serializes a trained byte-level BPE as Hugging Face tokenizer.json (+ tokenizer_config.json for the chat template).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assembleBytePairTokenizerJson, END_OF_TEXT_TOKEN, TURN_END_TOKEN } from '../../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { createPreTokenizerJson } from './pre-tokenize';
import type { BytePairEncoding } from './train-byte-pair-encoding';

export function createTokenizerJson(encoding: BytePairEncoding): Record<string, unknown> {
  return assembleBytePairTokenizerJson({
    specialTokens: encoding.specialTokens.map((content) => ({ id: encoding.vocabulary.get(content)!, content })),
    vocabulary: Object.fromEntries(encoding.vocabulary),
    merges: encoding.merges,
    preTokenizer: createPreTokenizerJson(),
    postProcessor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
  });
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
