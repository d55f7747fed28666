// config.json parsing per family: both rotary layouts, and refusal of what would change the computation.
import { parseModelConfig, toHuggingFaceConfig } from '../../../containers/trainer/src/model/model-config';
import { computeInverseFrequencies } from '../../../containers/trainer/src/model/rope-settings';

const shape = { vocab_size: 64, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2 };
const llama3Scaling = { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 };

// config.json of published checkpoints (4.x layout), field for field: strictness must not refuse them.
const PUBLISHED = {
  'Llama 3.2 1B': {
    architectures: ['LlamaForCausalLM'], attention_bias: false, attention_dropout: 0.0, bos_token_id: 128000, eos_token_id: 128001, head_dim: 64,
    hidden_act: 'silu', hidden_size: 2048, initializer_range: 0.02, intermediate_size: 8192, max_position_embeddings: 131072, mlp_bias: false,
    model_type: 'llama', num_attention_heads: 32, num_hidden_layers: 16, num_key_value_heads: 8, pretraining_tp: 1, rms_norm_eps: 1e-5,
    rope_scaling: { factor: 32.0, high_freq_factor: 4.0, low_freq_factor: 1.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
    rope_theta: 500000.0, tie_word_embeddings: true, torch_dtype: 'bfloat16', transformers_version: '4.45.0.dev0', use_cache: true, vocab_size: 128256,
  },
  'SmolLM2 135M': {
    architectures: ['LlamaForCausalLM'], attention_bias: false, attention_dropout: 0.0, bos_token_id: 0, eos_token_id: 0, hidden_act: 'silu',
    hidden_size: 576, initializer_range: 0.041666666666666664, intermediate_size: 1536, is_llama_config: true, max_position_embeddings: 8192,
    model_type: 'llama', num_attention_heads: 9, num_hidden_layers: 30, num_key_value_heads: 3, pretraining_tp: 1, rms_norm_eps: 1e-5,
    rope_interleaved: false, rope_scaling: null, rope_theta: 100000, tie_word_embeddings: true, torch_dtype: 'bfloat16',
    transformers_version: '4.40.1', use_cache: true, vocab_size: 49152,
  },
  'Qwen2.5 0.5B': {
    architectures: ['Qwen2ForCausalLM'], attention_dropout: 0.0, bos_token_id: 151643, eos_token_id: 151643, hidden_act: 'silu', hidden_size: 896,
    initializer_range: 0.02, intermediate_size: 4864, max_position_embeddings: 32768, max_window_layers: 24, model_type: 'qwen2',
    num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2, rms_norm_eps: 1e-6, rope_theta: 1000000.0, sliding_window: 32768,
    tie_word_embeddings: true, torch_dtype: 'bfloat16', transformers_version: '4.40.1', use_cache: true, use_sliding_window: false, vocab_size: 151936,
  },
  'Mistral 7B v0.3': {
    architectures: ['MistralForCausalLM'], attention_dropout: 0.0, bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 4096,
    initializer_range: 0.02, intermediate_size: 14336, max_position_embeddings: 32768, model_type: 'mistral', num_attention_heads: 32,
    num_hidden_layers: 32, num_key_value_heads: 8, rms_norm_eps: 1e-5, rope_theta: 1000000.0, sliding_window: null, tie_word_embeddings: false,
    torch_dtype: 'bfloat16', transformers_version: '4.42.0.dev0', use_cache: true, vocab_size: 32768,
  },
  'Gemma 2 2B': {
    architectures: ['Gemma2ForCausalLM'], attention_bias: false, attention_dropout: 0.0, attn_logit_softcapping: 50.0, bos_token_id: 2,
    cache_implementation: 'hybrid', eos_token_id: [1, 107], final_logit_softcapping: 30.0, head_dim: 256, hidden_act: 'gelu_pytorch_tanh',
    hidden_activation: 'gelu_pytorch_tanh', hidden_size: 2304, initializer_range: 0.02, intermediate_size: 9216, max_position_embeddings: 8192,
    model_type: 'gemma2', num_attention_heads: 8, num_hidden_layers: 26, num_key_value_heads: 4, pad_token_id: 0, query_pre_attn_scalar: 256,
    rms_norm_eps: 1e-6, rope_theta: 10000.0, sliding_window: 4096, torch_dtype: 'float32', transformers_version: '4.42.4', use_cache: true, vocab_size: 256000,
  },
};

describe('model config', () => {
  it.each(Object.entries(PUBLISHED))('reads %s\'s published config.json', (_name, input) => {
    const config = parseModelConfig(input);
    expect(config.layerCount).toBe(input.num_hidden_layers);
    expect(parseModelConfig(toHuggingFaceConfig(config))).toEqual(config);
  });

  it('reads transformers 5 rope_parameters and the 4.x rope_theta/rope_scaling layout to the same settings', () => {
    const modern = parseModelConfig({ model_type: 'llama', ...shape, rope_parameters: { rope_theta: 500000, ...llama3Scaling } });
    const legacy = parseModelConfig({ model_type: 'llama', ...shape, rope_theta: 500000, rope_scaling: llama3Scaling });
    expect(modern.rope).toEqual({ type: 'llama3', theta: 500000, factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositions: 16 });
    expect(legacy).toEqual(modern);
    const qwen = parseModelConfig({ model_type: 'qwen2', ...shape, rope_parameters: { rope_theta: 1e6, rope_type: 'default' } });
    expect(qwen.rope.theta).toBe(1e6);
    expect(qwen.attentionBias).toBe(true);
  });

  it('refuses an unknown field, an unsupported value or a rope type with its name and value', () => {
    expect(() => parseModelConfig({ model_type: 'llama', ...shape, partial_rotary_factor: 0.5 })).toThrow(/"partial_rotary_factor" \(number 0.5\) is not supported for model_type "llama"/);
    expect(() => parseModelConfig({ model_type: 'llama', ...shape, rope_parameters: { rope_theta: 1e4, rope_type: 'yarn', factor: 4 } })).toThrow(/rope_parameters.rope_type: .*received "yarn"/);
    expect(() => parseModelConfig({ model_type: 'llama', ...shape, rope_scaling: { rope_type: 'llama3', factor: 8 } })).toThrow(/rope_scaling.low_freq_factor/);
    expect(() => parseModelConfig({ model_type: 'qwen2', ...shape, use_sliding_window: true })).toThrow(/use_sliding_window/);
    expect(() => parseModelConfig({ model_type: 'llama', ...shape, hidden_act: 'gelu' })).toThrow(/hidden_act/);
    expect(() => parseModelConfig({ model_type: 'gemma2', ...shape, hidden_activation: 'gelu' })).toThrow(/hidden_activation/);
    expect(() => parseModelConfig({ model_type: 'llama', ...shape, rope_theta: 1e4, rope_parameters: { rope_theta: 5e5 } })).toThrow(/disagrees/);
    expect(() => parseModelConfig({ model_type: 'phi3', ...shape })).toThrow(/model_type: expected llama \| qwen2 \| mistral \| gemma2, received "phi3"/);
  });

  it('lays out Gemma 2 from a 4.x config: alternating sliding layers, its caps, scalar and 256-wide heads', () => {
    const config = parseModelConfig({ model_type: 'gemma2', ...shape, num_hidden_layers: 3, hidden_act: 'gelu_pytorch_tanh', query_pre_attn_scalar: 224, sliding_window: 4 });
    expect(config.slidingLayers).toEqual([true, false, true]);
    expect(config).toMatchObject({ headDimension: 256, attentionSoftCap: 50, finalLogitSoftCap: 30, queryPreAttentionScalar: 224, normWeightOffset: 1, tieEmbeddings: true, activation: 'gelu_tanh' });
    expect(config.embeddingMultiplier).toBeCloseTo(Math.sqrt(32), 6);
  });

  it('writes a config that reads back to the same settings, for every family', () => {
    for (const input of [
      { model_type: 'llama', ...shape, rope_scaling: llama3Scaling, tie_word_embeddings: true },
      { model_type: 'qwen2', ...shape, rope_theta: 1e6 },
      { model_type: 'mistral', ...shape, sliding_window: 8 },
      { model_type: 'gemma2', ...shape, head_dim: 8, layer_types: ['full_attention', 'sliding_attention'] },
    ]) {
      const config = parseModelConfig(input);
      expect(parseModelConfig(toHuggingFaceConfig(config))).toEqual(config);
    }
  });

  it('scales llama3 frequencies by band: long wavelengths divided by factor, short ones kept', () => {
    const scaling = { ...llama3Scaling, original_max_position_embeddings: 64 };
    const rope = parseModelConfig({ model_type: 'llama', ...shape, rope_theta: 10000, rope_scaling: scaling }).rope;
    const scaled = computeInverseFrequencies(rope, 8);
    const plain = computeInverseFrequencies({ ...rope, type: 'default', factor: 1 }, 8);
    // Wavelengths 2π/f: 6.3 (< 64/4: kept), 63 (between 16 and 64: blended), 628 and 6283 (> 64/1: divided by 8).
    expect(scaled[0]).toBe(plain[0]);
    expect(scaled[1]).toBeLessThan(plain[1]);
    expect(scaled[1]).toBeGreaterThan(plain[1] / 8);
    expect(scaled[2]).toBeCloseTo(plain[2] / 8, 12);
    expect(scaled[3]).toBeCloseTo(plain[3] / 8, 12);
  });
});
