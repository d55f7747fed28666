// The decoder's shape, read from a Hugging Face config.json (llama, qwen2, mistral).
import { z } from 'zod';
import { parseWith } from '../../../../core/schemas/validation-error';

export const SUPPORTED_MODEL_TYPES = ['llama', 'qwen2', 'mistral'] as const;

const HuggingFaceConfigSchema = z.looseObject({
  model_type: z.enum(SUPPORTED_MODEL_TYPES),
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().optional(),
  head_dim: z.number().int().positive().nullable().optional(),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().default(10000),
  rope_scaling: z.unknown().optional(),
  max_position_embeddings: z.number().int().positive().default(2048),
  tie_word_embeddings: z.boolean().default(false),
  attention_bias: z.boolean().optional(),
  mlp_bias: z.boolean().optional(),
  hidden_act: z.string().default('silu'),
  bos_token_id: z.union([z.number().int(), z.null()]).optional(),
  eos_token_id: z.union([z.number().int(), z.array(z.number().int()), z.null()]).optional(),
});

export interface DecoderConfig {
  modelType: (typeof SUPPORTED_MODEL_TYPES)[number];
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  layerCount: number;
  headCount: number;
  keyValueHeadCount: number;
  headDimension: number;
  rmsNormEpsilon: number;
  ropeTheta: number;
  maxPositions: number;
  tieEmbeddings: boolean;
  /** Bias on q, k and v projections (qwen2 always; llama when attention_bias). */
  attentionBias: boolean;
  eosTokenIds: number[];
  bosTokenId: number | null;
}

/** Validates config.json and derives the decoder shape; rejects what the model cannot run. */
export function parseModelConfig(input: unknown, label = 'config.json'): DecoderConfig {
  const config = parseWith(HuggingFaceConfigSchema, input, label);
  if (config.hidden_act !== 'silu') throw new Error(`${label}: hidden_act: expected "silu", received ${JSON.stringify(config.hidden_act)}`);
  if (config.rope_scaling !== undefined && config.rope_scaling !== null) {
    throw new Error(`${label}: rope_scaling: expected null (scaled RoPE is not supported), received ${JSON.stringify(config.rope_scaling)}`);
  }
  if (config.mlp_bias) throw new Error(`${label}: mlp_bias: expected false (MLP bias is not supported)`);
  const keyValueHeadCount = config.num_key_value_heads ?? config.num_attention_heads;
  if (config.num_attention_heads % keyValueHeadCount !== 0) {
    throw new Error(`${label}: num_attention_heads ${config.num_attention_heads} must be a multiple of num_key_value_heads ${keyValueHeadCount}`);
  }
  const headDimension = config.head_dim ?? config.hidden_size / config.num_attention_heads;
  if (!Number.isInteger(headDimension) || headDimension % 2 !== 0) {
    throw new Error(`${label}: head dimension must be an even integer, received ${headDimension}`);
  }
  const eos = config.eos_token_id;
  return {
    modelType: config.model_type,
    vocabSize: config.vocab_size,
    hiddenSize: config.hidden_size,
    intermediateSize: config.intermediate_size,
    layerCount: config.num_hidden_layers,
    headCount: config.num_attention_heads,
    keyValueHeadCount,
    headDimension,
    rmsNormEpsilon: config.rms_norm_eps,
    ropeTheta: config.rope_theta,
    maxPositions: config.max_position_embeddings,
    tieEmbeddings: config.tie_word_embeddings,
    attentionBias: config.model_type === 'qwen2' ? true : (config.attention_bias ?? false),
    eosTokenIds: eos === null || eos === undefined ? [] : Array.isArray(eos) ? eos : [eos],
    bosTokenId: config.bos_token_id ?? null,
  };
}

/** The config.json written for our own models, in the llama convention, so other tools load it. */
export function toHuggingFaceConfig(config: DecoderConfig): Record<string, unknown> {
  return {
    architectures: [config.modelType === 'qwen2' ? 'Qwen2ForCausalLM' : config.modelType === 'mistral' ? 'MistralForCausalLM' : 'LlamaForCausalLM'],
    model_type: config.modelType,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.layerCount,
    num_attention_heads: config.headCount,
    num_key_value_heads: config.keyValueHeadCount,
    head_dim: config.headDimension,
    rms_norm_eps: config.rmsNormEpsilon,
    rope_theta: config.ropeTheta,
    max_position_embeddings: config.maxPositions,
    tie_word_embeddings: config.tieEmbeddings,
    ...(config.modelType === 'qwen2' ? {} : { attention_bias: config.attentionBias, mlp_bias: false }),
    hidden_act: 'silu',
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds,
    torch_dtype: 'float32',
  };
}
