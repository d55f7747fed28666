// Loads tokenizer.json (+ tokenizer_config.json, chat_template.jinja) with @huggingface/tokenizers and pairs it with a chat template.
import { Tokenizer } from '@huggingface/tokenizers';
import type { ModelSource } from '../model/model-source';
import { readJsonFile } from '../model/model-source';
import { ChatTemplate, detectChatTemplate } from './chat-template';

export interface TextTokenizer {
  readonly template: ChatTemplate;
  readonly vocabularySize: number;
  /** Token ids that end generation (turn end and end of text). */
  readonly stopTokenIds: readonly number[];
  encode(text: string): number[];
  decode(ids: readonly number[], skipSpecialTokens?: boolean): string;
}

export function createTextTokenizer(tokenizerJson: object, tokenizerConfig: Record<string, unknown>, label = 'tokenizer', chatTemplateFile: string | null = null): TextTokenizer {
  const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  const template = detectChatTemplate(tokenizerConfig, `${label}/tokenizer_config.json`, chatTemplateFile);
  const stopTokenIds = template.stopStrings
    .map((text) => tokenizer.token_to_id(text))
    .filter((id): id is number => id !== undefined);
  const vocabulary = tokenizer.get_vocab(true);
  const vocabularySize = Math.max(...vocabulary.values()) + 1;
  return {
    template,
    vocabularySize,
    stopTokenIds,
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    // The library rejects an empty id list; a sample that stops at once decodes to the empty string.
    decode: (ids, skipSpecialTokens = false) => (ids.length === 0 ? '' : tokenizer.decode([...ids], { skip_special_tokens: skipSpecialTokens })),
  };
}

export async function loadTokenizer(source: ModelSource): Promise<TextTokenizer> {
  const tokenizerJson = await readJsonFile(source, 'tokenizer.json');
  const configBytes = await source.readFile('tokenizer_config.json');
  const config = configBytes ? (JSON.parse(configBytes.toString('utf8')) as Record<string, unknown>) : {};
  // Newer checkpoints keep the template in its own file, which takes precedence as in transformers.
  const jinjaFile = await source.readFile('chat_template.jinja');
  return createTextTokenizer(tokenizerJson as object, config, source.description, jinjaFile ? jinjaFile.toString('utf8') : null);
}
