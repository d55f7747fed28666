// The decoder shapes the device check trains (Qwen2.5-0.5B and -1.5B as published, and a tiny one), their random
// bf16 base models, and the model FLOPs of a LoRA step on them.
import { expectedWeightShapes } from '../model/expected-weight-shapes';
import { LlamaModel } from '../model/llama-model';
import { Bfloat16Tensor } from '../model/bfloat16-weight';
import { parseModelConfig, type DecoderConfig } from '../model/model-config';
import { Tensor } from '../tensor/tensor';

export type ShapeName = 'qwen2.5-0.5b' | 'qwen2.5-1.5b' | 'tiny';

/** config.json fields of Qwen/Qwen2.5-0.5B and -1.5B (the same table is in scripts/device-check/make-reference.py). */
const SHAPES: Record<ShapeName, Record<string, number>> = {
  'qwen2.5-0.5b': { vocab_size: 151936, hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2 },
  'qwen2.5-1.5b': { vocab_size: 151936, hidden_size: 1536, intermediate_size: 8960, num_hidden_layers: 28, num_attention_heads: 12, num_key_value_heads: 2 },
  tiny: { vocab_size: 256, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2 },
};

export function configOfShape(shape: ShapeName): DecoderConfig {
  return parseModelConfig({
    model_type: 'qwen2',
    ...SHAPES[shape],
    rms_norm_eps: 1e-6,
    tie_word_embeddings: true,
    max_position_embeddings: 32768,
    rope_parameters: { rope_type: 'default', rope_theta: 1000000 },
  }, `device check shape ${shape}`);
}

/**
 * A base model with random weights held as bf16, built in memory: matrices uniform with standard deviation 0.02
 * (the initializer's scale; the distribution does not change the speed), norms 1, biases 0.
 */
export function buildRandomBase(config: DecoderConfig, seed: number): LlamaModel {
  let state = seed >>> 0 || 1;
  const chunk = new Float32Array(1 << 16);
  const chunkBits = new Uint16Array(chunk.buffer);
  const bound = 0.02 * Math.sqrt(3);
  const weights = new Map<string, Tensor>();
  for (const [name, shape] of expectedWeightShapes(config)) {
    const size = shape.reduce((product, dimension) => product * dimension, 1);
    if (shape.length === 1) {
      weights.set(name, new Tensor(new Float32Array(size).fill(name.endsWith('.bias') ? 0 : 1), shape, { name }));
      continue;
    }
    const bits = new Uint16Array(size);
    for (let start = 0; start < size; start += chunk.length) {
      const count = Math.min(chunk.length, size - start);
      for (let index = 0; index < count; index += 1) {
        // xorshift32: fast enough to fill 1.5 billion values in seconds.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk[index] = ((state >>> 0) / 4294967296 - 0.5) * 2 * bound;
      }
      // bf16 is the high half of the float32 (truncation: a random base needs no rounding).
      for (let index = 0; index < count; index += 1) bits[start + index] = chunkBits[index * 2 + 1];
    }
    weights.set(name, new Bfloat16Tensor(bits, shape, name));
  }
  return new LlamaModel(config, weights);
}

/** Weights of the matrix products a token goes through: every projection and the output head (the embedding lookup is no product). */
export function countMatmulParameters(config: DecoderConfig): number {
  const attention = config.headCount * config.headDimension;
  const keyValue = config.keyValueHeadCount * config.headDimension;
  const perLayer = config.hiddenSize * (attention + 2 * keyValue) + attention * config.hiddenSize + 3 * config.hiddenSize * config.intermediateSize;
  return config.layerCount * perLayer + config.vocabSize * config.hiddenSize;
}

/**
 * Model FLOPs of one LoRA step over `batch` sequences of `length` tokens (T = batch·length):
 * T·(4·N_base + 6·N_lora + 12·L·S·d_attention). The frozen base costs 2·N per token forward and 2·N backward (the
 * input gradient only: no weight gradient), the adapters 6·N like any trained weight, and attention's two products
 * (QKᵀ and P·V, counted over the full S×S as the kernels compute it) 4·S·d per token and layer forward, twice that
 * backward. Recomputation is not counted.
 */
export function countLoraStepFlops(config: DecoderConfig, trainableParameters: number, batch: number, length: number): number {
  const tokens = batch * length;
  const attention = 12 * config.layerCount * length * config.headCount * config.headDimension;
  return tokens * (4 * countMatmulParameters(config) + 6 * trainableParameters + attention);
}
