// Mistral: the Llama block where every layer attends through a sliding window (null: no window).
import { z } from 'zod';
import { createFamilySchema } from '../config-fields';
import { deriveSharedConfig, exportSharedFields, LLAMA_BLOCK_TRAITS, ModelFamily, parseFamilyFields } from '../family-config';

const schema = createFamilySchema('mistral', {
  hidden_act: z.literal('silu').default('silu'),
  max_position_embeddings: z.number().int().positive().default(4096 * 32),
  tie_word_embeddings: z.boolean().default(false),
  sliding_window: z.number().int().positive().nullable().default(4096),
});

export const MISTRAL_FAMILY: ModelFamily = {
  modelType: 'mistral',
  architecture: 'MistralForCausalLM',
  parse(input, label) {
    const fields = parseFamilyFields(schema, input, 'mistral', label);
    return {
      ...deriveSharedConfig(fields, label),
      ...LLAMA_BLOCK_TRAITS,
      modelType: 'mistral',
      maxPositions: fields.max_position_embeddings,
      tieEmbeddings: fields.tie_word_embeddings,
      attentionBias: false,
      slidingWindow: fields.sliding_window,
      slidingLayers: new Array<boolean>(fields.num_hidden_layers).fill(fields.sliding_window !== null),
    };
  },
  toHuggingFace(config) {
    return { ...exportSharedFields(config, this.architecture), hidden_act: 'silu', sliding_window: config.slidingWindow };
  },
};
