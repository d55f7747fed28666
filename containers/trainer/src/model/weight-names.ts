// Hugging Face tensor names of the decoder families (Llama layout, plus Gemma 2's feed-forward norms).

export const EMBEDDING_WEIGHT = 'model.embed_tokens.weight';
export const FINAL_NORM_WEIGHT = 'model.norm.weight';
export const OUTPUT_WEIGHT = 'lm_head.weight';

export const ATTENTION_PROJECTIONS = ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as const;
export const MLP_PROJECTIONS = ['gate_proj', 'up_proj', 'down_proj'] as const;
export type ProjectionName = (typeof ATTENTION_PROJECTIONS)[number] | (typeof MLP_PROJECTIONS)[number];

/** The module path of a projection, e.g. model.layers.3.self_attn.q_proj. */
export function projectionModule(layer: number, projection: ProjectionName): string {
  const block = (ATTENTION_PROJECTIONS as readonly string[]).includes(projection) ? 'self_attn' : 'mlp';
  return `model.layers.${layer}.${block}.${projection}`;
}

export function projectionWeight(layer: number, projection: ProjectionName): string {
  return `${projectionModule(layer, projection)}.weight`;
}

export function projectionBias(layer: number, projection: ProjectionName): string {
  return `${projectionModule(layer, projection)}.bias`;
}

export function inputNormWeight(layer: number): string {
  return `model.layers.${layer}.input_layernorm.weight`;
}

export function postAttentionNormWeight(layer: number): string {
  return `model.layers.${layer}.post_attention_layernorm.weight`;
}

/** Gemma 2's norm before the MLP (its post_attention_layernorm then norms attention's output instead). */
export function preFeedForwardNormWeight(layer: number): string {
  return `model.layers.${layer}.pre_feedforward_layernorm.weight`;
}

export function postFeedForwardNormWeight(layer: number): string {
  return `model.layers.${layer}.post_feedforward_layernorm.weight`;
}
