// Qwen2 / Qwen2.5: the Llama block with q/k/v biases always on; its sliding-window option must be off.
import { z } from 'zod';
import { createFamilySchema } from '../config-fields';
import { deriveSharedConfig, exportSharedFields, LLAMA_BLOCK_TRAITS, ModelFamily, parseFamilyFields } from '../family-config';

const schema = createFamilySchema('qwen2', {
  hidden_act: z.literal('silu').default('silu'),
  max_position_embeddings: z.number().int().positive().default(32768),
  tie_word_embeddings: z.boolean().default(false),
  // Published Qwen2.5 checkpoints keep the window off; sliding_window and max_window_layers then do nothing.
  use_sliding_window: z.literal(false).default(false),
  sliding_window: z.number().int().positive().nullable().optional(),
  max_window_layers: z.number().int().nonnegative().optional(),
  layer_types: z.array(z.literal('full_attention')).optional(),
});

export const QWEN2_FAMILY: ModelFamily = {
  modelType: 'qwen2',
  architecture: 'Qwen2ForCausalLM',
  parse(input, label) {
    const fields = parseFamilyFields(schema, input, 'qwen2', label);
    if (fields.layer_types && fields.layer_types.length !== fields.num_hidden_layers) {
      throw new Error(`${label}: layer_types: expected ${fields.num_hidden_layers} entries (num_hidden_layers), received ${fields.layer_types.length}`);
    }
    return {
      ...deriveSharedConfig(fields, label),
      ...LLAMA_BLOCK_TRAITS,
      modelType: 'qwen2',
      maxPositions: fields.max_position_embeddings,
      tieEmbeddings: fields.tie_word_embeddings,
      attentionBias: true,
      slidingWindow: null,
      slidingLayers: new Array<boolean>(fields.num_hidden_layers).fill(false),
    };
  },
  toHuggingFace(config) {
    return { ...exportSharedFields(config, this.architecture), hidden_act: 'silu', use_sliding_window: false };
  },
};
