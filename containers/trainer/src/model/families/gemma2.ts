// Gemma 2: scaled embeddings, (1 + w) RMSNorm, norms around attention and MLP, GeGLU (tanh GELU),
// query_pre_attn_scalar, soft-capped attention scores and logits, sliding-window layers alternating with global ones.
import { z } from 'zod';
import { createFamilySchema } from '../config-fields';
import { deriveSharedConfig, exportSharedFields, ModelFamily, parseFamilyFields } from '../family-config';

const LAYER_TYPES = ['sliding_attention', 'full_attention'] as const;

const schema = createFamilySchema('gemma2', {
  hidden_activation: z.literal('gelu_pytorch_tanh').default('gelu_pytorch_tanh'),
  // 4.x configs repeat the activation under hidden_act; transformers reads hidden_activation.
  hidden_act: z.literal('gelu_pytorch_tanh').optional(),
  max_position_embeddings: z.number().int().positive().default(8192),
  tie_word_embeddings: z.boolean().default(true),
  attention_bias: z.literal(false).default(false),
  query_pre_attn_scalar: z.number().positive().default(256),
  sliding_window: z.number().int().positive().default(4096),
  layer_types: z.array(z.enum(LAYER_TYPES)).optional(),
  final_logit_softcapping: z.number().positive().nullable().default(30),
  attn_logit_softcapping: z.number().positive().nullable().default(50),
  use_bidirectional_attention: z.literal(false).nullable().optional(),
});

export const GEMMA2_FAMILY: ModelFamily = {
  modelType: 'gemma2',
  architecture: 'Gemma2ForCausalLM',
  parse(input, label) {
    const fields = parseFamilyFields(schema, input, 'gemma2', label);
    // Without layer_types (4.x configs), even layers slide and odd layers are global, as transformers lays them out.
    const layerTypes = fields.layer_types ?? Array.from({ length: fields.num_hidden_layers }, (_, layer) => LAYER_TYPES[layer % 2]);
    if (layerTypes.length !== fields.num_hidden_layers) {
      throw new Error(`${label}: layer_types: expected ${fields.num_hidden_layers} entries (num_hidden_layers), received ${layerTypes.length}`);
    }
    return {
      ...deriveSharedConfig(fields, label, 256),
      modelType: 'gemma2',
      maxPositions: fields.max_position_embeddings,
      tieEmbeddings: fields.tie_word_embeddings,
      attentionBias: false,
      slidingWindow: fields.sliding_window,
      slidingLayers: layerTypes.map((type) => type === 'sliding_attention'),
      activation: 'gelu_tanh',
      embeddingMultiplier: Math.fround(Math.sqrt(fields.hidden_size)),
      normWeightOffset: 1,
      feedForwardNorms: true,
      queryPreAttentionScalar: fields.query_pre_attn_scalar,
      attentionSoftCap: fields.attn_logit_softcapping,
      finalLogitSoftCap: fields.final_logit_softcapping,
    };
  },
  toHuggingFace(config) {
    return {
      ...exportSharedFields(config, this.architecture),
      hidden_activation: 'gelu_pytorch_tanh',
      attention_bias: false,
      query_pre_attn_scalar: config.queryPreAttentionScalar,
      sliding_window: config.slidingWindow,
      layer_types: config.slidingLayers.map((sliding) => (sliding ? 'sliding_attention' : 'full_attention')),
      final_logit_softcapping: config.finalLogitSoftCap,
      attn_logit_softcapping: config.attentionSoftCap,
    };
  },
};
