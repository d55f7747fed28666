// What every family's config parsing shares: the common shape fields, head layout checks, and their export.
import type { z } from 'zod';
import { parseWith } from '../../../../core/schemas/validation-error';
import { readTokenIds, refuseUnknownFields, SHARED_CONFIG_FIELDS } from './config-fields';
import type { DecoderConfig, ModelType } from './decoder-config';
import { parseRopeSettings, toLegacyRopeFields } from './rope-settings';

/** One family: how it reads config.json and how it writes one back. */
export interface ModelFamily {
  readonly modelType: ModelType;
  readonly architecture: string;
  parse(input: Record<string, unknown>, label: string): DecoderConfig;
  toHuggingFace(config: DecoderConfig): Record<string, unknown>;
}

type SharedFields = z.infer<z.ZodObject<typeof SHARED_CONFIG_FIELDS>>;
export type SharedConfig = Omit<DecoderConfig, 'modelType' | 'attentionBias' | 'slidingWindow' | 'slidingLayers' | 'activation' | 'embeddingMultiplier'
  | 'normWeightOffset' | 'feedForwardNorms' | 'queryPreAttentionScalar' | 'attentionSoftCap' | 'finalLogitSoftCap' | 'tieEmbeddings' | 'maxPositions'>;

/** Strict parse: unknown fields named first, then zod's field-by-field checks. */
export function parseFamilyFields<Schema extends z.ZodObject>(schema: Schema, input: Record<string, unknown>, modelType: string, label: string): z.infer<Schema> {
  refuseUnknownFields(input, schema, modelType, label);
  return parseWith(schema, input, label);
}

/** Shape, heads, rotary settings and special tokens, checked for what the block can compute. */
export function deriveSharedConfig(fields: SharedFields, label: string, defaultHeadDimension?: number): SharedConfig {
  const keyValueHeadCount = fields.num_key_value_heads ?? fields.num_attention_heads;
  if (fields.num_attention_heads % keyValueHeadCount !== 0) {
    throw new Error(`${label}: num_attention_heads ${fields.num_attention_heads} must be a multiple of num_key_value_heads ${keyValueHeadCount}`);
  }
  const headDimension = fields.head_dim ?? defaultHeadDimension ?? fields.hidden_size / fields.num_attention_heads;
  if (!Number.isInteger(headDimension) || headDimension % 2 !== 0) {
    throw new Error(`${label}: head dimension must be an even integer, received ${headDimension}`);
  }
  const bos = readTokenIds(fields.bos_token_id);
  return {
    vocabSize: fields.vocab_size,
    hiddenSize: fields.hidden_size,
    intermediateSize: fields.intermediate_size,
    layerCount: fields.num_hidden_layers,
    headCount: fields.num_attention_heads,
    keyValueHeadCount,
    headDimension,
    rmsNormEpsilon: fields.rms_norm_eps,
    rope: parseRopeSettings(fields, 10000, label),
    eosTokenIds: readTokenIds(fields.eos_token_id),
    bosTokenId: bos.length > 0 ? bos[0] : null,
  };
}

/** The fields every family writes (4.x rotary layout, which every transformers release reads). */
export function exportSharedFields(config: DecoderConfig, architecture: string): Record<string, unknown> {
  return {
    architectures: [architecture],
    model_type: config.modelType,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.layerCount,
    num_attention_heads: config.headCount,
    num_key_value_heads: config.keyValueHeadCount,
    head_dim: config.headDimension,
    rms_norm_eps: config.rmsNormEpsilon,
    ...toLegacyRopeFields(config.rope),
    max_position_embeddings: config.maxPositions,
    tie_word_embeddings: config.tieEmbeddings,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds,
    torch_dtype: 'float32',
  };
}

/** The traits of a plain Llama-style block (the families that differ set their own). */
export const LLAMA_BLOCK_TRAITS = {
  activation: 'silu',
  embeddingMultiplier: 1,
  normWeightOffset: 0,
  feedForwardNorms: false,
  queryPreAttentionScalar: null,
  attentionSoftCap: null,
  finalLogitSoftCap: null,
} as const satisfies Partial<DecoderConfig>;
