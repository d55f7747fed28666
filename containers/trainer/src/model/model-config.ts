// Reads a Hugging Face config.json into the decoder's config through its family, and writes one back.
import type { DecoderConfig, ModelType } from './decoder-config';
import { SUPPORTED_MODEL_TYPES } from './decoder-config';
import type { ModelFamily } from './family-config';
import { GEMMA2_FAMILY, LLAMA_FAMILY, MISTRAL_FAMILY, QWEN2_FAMILY } from './families';

export * from './decoder-config';

const FAMILIES: Record<ModelType, ModelFamily> = {
  llama: LLAMA_FAMILY,
  qwen2: QWEN2_FAMILY,
  mistral: MISTRAL_FAMILY,
  gemma2: GEMMA2_FAMILY,
};

export function getModelFamily(modelType: ModelType): ModelFamily {
  return FAMILIES[modelType];
}

/** Validates config.json strictly for its family; a field that changes the computation is read or refused. */
export function parseModelConfig(input: unknown, label = 'config.json'): DecoderConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new Error(`${label}: expected a JSON object, received ${JSON.stringify(input)?.slice(0, 80)}`);
  }
  const record = input as Record<string, unknown>;
  const modelType = record.model_type;
  if (typeof modelType !== 'string' || !(SUPPORTED_MODEL_TYPES as readonly string[]).includes(modelType)) {
    throw new Error(`${label}: model_type: expected ${SUPPORTED_MODEL_TYPES.join(' | ')}, received ${JSON.stringify(modelType)}`);
  }
  return FAMILIES[modelType as ModelType].parse(record, label);
}

/** The config.json written for a model, in its family's convention, so transformers loads it. */
export function toHuggingFaceConfig(config: DecoderConfig): Record<string, unknown> {
  return FAMILIES[config.modelType].toHuggingFace(config);
}
