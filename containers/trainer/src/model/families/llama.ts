// Llama (Llama 2/3.x, SmolLM2): the reference block; optional q/k/v bias, tied embeddings, linear or llama3 RoPE.
import { z } from 'zod';
import { createFamilySchema } from '../config-fields';
import { deriveSharedConfig, exportSharedFields, LLAMA_BLOCK_TRAITS, ModelFamily, parseFamilyFields } from '../family-config';

const schema = createFamilySchema('llama', {
  hidden_act: z.literal('silu').default('silu'),
  max_position_embeddings: z.number().int().positive().default(2048),
  tie_word_embeddings: z.boolean().default(false),
  attention_bias: z.boolean().default(false),
  mlp_bias: z.literal(false).optional(),
  // Tensor-parallel slicing of the original pretraining; 1 means the plain computation.
  pretraining_tp: z.literal(1).optional(),
  rope_interleaved: z.literal(false).optional(),
});

export const LLAMA_FAMILY: ModelFamily = {
  modelType: 'llama',
  architecture: 'LlamaForCausalLM',
  parse(input, label) {
    const fields = parseFamilyFields(schema, input, 'llama', label);
    return {
      ...deriveSharedConfig(fields, label),
      ...LLAMA_BLOCK_TRAITS,
      modelType: 'llama',
      maxPositions: fields.max_position_embeddings,
      tieEmbeddings: fields.tie_word_embeddings,
      attentionBias: fields.attention_bias,
      slidingWindow: null,
      slidingLayers: new Array<boolean>(fields.num_hidden_layers).fill(false),
    };
  },
  toHuggingFace(config) {
    return { ...exportSharedFields(config, this.architecture), attention_bias: config.attentionBias, mlp_bias: false, hidden_act: 'silu' };
  },
};
