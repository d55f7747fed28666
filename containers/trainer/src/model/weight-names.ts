// Hugging Face tensor names of a Llama-family decoder.

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
