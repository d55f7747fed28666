// config.json fields every family shares, and the refusal of fields this decoder does not know.
import { z } from 'zod';
import { describeReceived } from '../../../../core/schemas/validation-error';

const tokenId = z.number().int().nonnegative();

/** Fields read by every family (the family files add their own). */
export const SHARED_CONFIG_FIELDS = {
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().nullable().optional(),
  head_dim: z.number().int().positive().nullable().optional(),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_parameters: z.unknown().optional(),
  rope_theta: z.unknown().optional(),
  rope_scaling: z.unknown().optional(),
  bos_token_id: z.union([tokenId, z.array(tokenId), z.null()]).optional(),
  eos_token_id: z.union([tokenId, z.array(tokenId), z.null()]).optional(),
  pad_token_id: z.union([tokenId, z.null()]).optional(),
  // Dropout inside attention would change training; zero is the only value published checkpoints carry.
  attention_dropout: z.literal(0).optional(),
};

/** Fields that describe the file or the training run that wrote it, never the computation: accepted, ignored. */
export const BOOKKEEPING_FIELDS = [
  'architectures', 'transformers_version', 'torch_dtype', 'dtype', '_name_or_path', 'use_cache', 'initializer_range',
  'output_hidden_states', 'output_attentions', 'return_dict', 'chunk_size_feed_forward', 'is_encoder_decoder',
  'id2label', 'label2id', 'problem_type', 'tokenizer_class', 'transformers.js_config', 'is_llama_config',
  'cache_implementation',
] as const;

const bookkeeping = Object.fromEntries(BOOKKEEPING_FIELDS.map((name) => [name, z.unknown().optional()]));

/** A strict schema: the shared fields, the family's own, and bookkeeping; `model_type` fixed to the family. */
export function createFamilySchema<Shape extends z.ZodRawShape>(modelType: string, familyFields: Shape) {
  return z.strictObject({ ...bookkeeping, ...SHARED_CONFIG_FIELDS, ...familyFields, model_type: z.literal(modelType) });
}

/**
 * Names the first field the family does not know, with its value: a field that might change the computation is
 * refused rather than ignored, so a checkpoint never runs silently different from its reference.
 */
export function refuseUnknownFields(input: Record<string, unknown>, schema: { shape: Record<string, unknown> }, modelType: string, label: string): void {
  for (const [name, value] of Object.entries(input)) {
    if (name in schema.shape) continue;
    throw new Error(`${label}: field ${JSON.stringify(name)} (${describeReceived(value)}) is not supported for model_type ${JSON.stringify(modelType)}: `
      + 'a field that may change the computation is refused rather than ignored');
  }
}

/** eos_token_id as a list (configs write a number, a list or null). */
export function readTokenIds(value: number | number[] | null | undefined): number[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
