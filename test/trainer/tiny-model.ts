// Tiny random decoders and tokenizers shared by the trainer tests.
import { initializeModel } from '../../containers/trainer/src/model/initialize-model';
import type { LlamaModel } from '../../containers/trainer/src/model/llama-model';
import { DecoderConfig, parseModelConfig } from '../../containers/trainer/src/model/model-config';
import { selectBackend } from '../../containers/trainer/src/tensor/backend';
import { BYTE_LEVEL_VOCABULARY_SIZE, createByteLevelTokenizerConfig, createByteLevelTokenizerJson } from '../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { createTextTokenizer, TextTokenizer } from '../../containers/trainer/src/tokenizer/load-tokenizer';

/** SWIRL_TENSOR_BACKEND when set; else native kernels when the addon is built, the reference ones otherwise. */
export function selectTestBackend(): string {
  const requested = process.env.SWIRL_TENSOR_BACKEND;
  const choice = requested === 'native' || requested === 'reference' || requested === 'cuda' ? requested : 'auto';
  return selectBackend(choice, { quiet: true }).name;
}

export function createTinyConfig(overrides: Record<string, unknown> = {}): DecoderConfig {
  return parseModelConfig({
    model_type: 'llama',
    vocab_size: BYTE_LEVEL_VOCABULARY_SIZE,
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    max_position_embeddings: 256,
    tie_word_embeddings: false,
    eos_token_id: 258,
    ...overrides,
  });
}

export function createTinyModel(seed = 7, overrides: Record<string, unknown> = {}, standardDeviation = 0.1): LlamaModel {
  return initializeModel(createTinyConfig(overrides), seed, standardDeviation);
}

export function createTestTokenizer(): TextTokenizer {
  return createTextTokenizer(createByteLevelTokenizerJson(), createByteLevelTokenizerConfig());
}
