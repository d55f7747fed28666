// Checks the decoder against a direct float64 transcription of Hugging Face's Llama formulas (rotate-half RoPE,
// repeat_kv head grouping, RMSNorm, SwiGLU, weights stored [out, in]) position by position.
import type { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { noGrad } from '../../../containers/trainer/src/tensor/autograd';
import { createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

function linear(model: LlamaModel, name: string, input: number[]): number[] {
  const weight = model.weights.get(`${name}.weight`)!;
  const bias = model.weights.get(`${name}.bias`);
  const [rows, columns] = weight.shape;
  return Array.from({ length: rows }, (_, row) => {
    let total = bias ? bias.data[row] : 0;
    for (let column = 0; column < columns; column += 1) total += weight.data[row * columns + column] * input[column];
    return total;
  });
}

function rmsNorm(input: number[], weight: Float32Array, epsilon: number): number[] {
  const meanSquare = input.reduce((total, value) => total + value * value, 0) / input.length;
  return input.map((value, index) => (value / Math.sqrt(meanSquare + epsilon)) * weight[index]);
}

function rotateHalf(vector: number[], position: number, headDimension: number, theta: number): number[] {
  const output = [...vector];
  for (let head = 0; head < vector.length / headDimension; head += 1) {
    const base = head * headDimension;
    const half = headDimension / 2;
    for (let index = 0; index < half; index += 1) {
      const angle = position * theta ** ((-2 * index) / headDimension);
      const first = vector[base + index];
      const second = vector[base + index + half];
      output[base + index] = first * Math.cos(angle) - second * Math.sin(angle);
      output[base + index + half] = second * Math.cos(angle) + first * Math.sin(angle);
    }
  }
  return output;
}

function referenceLogits(model: LlamaModel, ids: number[]): number[][] {
  const c = model.config;
  const embed = model.weights.get('model.embed_tokens.weight')!.data;
  let hidden = ids.map((id) => Array.from(embed.subarray(id * c.hiddenSize, (id + 1) * c.hiddenSize)));
  for (let layer = 0; layer < c.layerCount; layer += 1) {
    const prefix = `model.layers.${layer}`;
    const normed = hidden.map((row) => rmsNorm(row, model.weights.get(`${prefix}.input_layernorm.weight`)!.data, c.rmsNormEpsilon));
    const queries = normed.map((row, position) => rotateHalf(linear(model, `${prefix}.self_attn.q_proj`, row), position, c.headDimension, c.rope.theta));
    const keys = normed.map((row, position) => rotateHalf(linear(model, `${prefix}.self_attn.k_proj`, row), position, c.headDimension, c.rope.theta));
    const values = normed.map((row) => linear(model, `${prefix}.self_attn.v_proj`, row));
    const groups = c.headCount / c.keyValueHeadCount;
    hidden = hidden.map((row, position) => {
      const attended: number[] = [];
      for (let head = 0; head < c.headCount; head += 1) {
        const kvHead = Math.floor(head / groups);
        const scores = Array.from({ length: position + 1 }, (_, key) => {
          let dot = 0;
          for (let index = 0; index < c.headDimension; index += 1) dot += queries[position][head * c.headDimension + index] * keys[key][kvHead * c.headDimension + index];
          return dot / Math.sqrt(c.headDimension);
        });
        const maximum = Math.max(...scores);
        const weights = scores.map((score) => Math.exp(score - maximum));
        const total = weights.reduce((sum, value) => sum + value, 0);
        for (let index = 0; index < c.headDimension; index += 1) {
          attended.push(weights.reduce((sum, weight, key) => sum + (weight / total) * values[key][kvHead * c.headDimension + index], 0));
        }
      }
      const output = linear(model, `${prefix}.self_attn.o_proj`, attended);
      const afterAttention = row.map((value, index) => value + output[index]);
      const postNormed = rmsNorm(afterAttention, model.weights.get(`${prefix}.post_attention_layernorm.weight`)!.data, c.rmsNormEpsilon);
      const gate = linear(model, `${prefix}.mlp.gate_proj`, postNormed);
      const up = linear(model, `${prefix}.mlp.up_proj`, postNormed);
      const down = linear(model, `${prefix}.mlp.down_proj`, gate.map((value, index) => (value / (1 + Math.exp(-value))) * up[index]));
      return afterAttention.map((value, index) => value + down[index]);
    });
  }
  const head = c.tieEmbeddings ? 'model.embed_tokens' : 'lm_head';
  return hidden.map((row) => linear(model, head, rmsNorm(row, model.weights.get('model.norm.weight')!.data, c.rmsNormEpsilon)));
}

describe('Hugging Face Llama conventions', () => {
  it.each([
    ['llama with grouped-query attention', { num_attention_heads: 4, num_key_value_heads: 2 }],
    ['qwen2 with biases, tied embeddings, theta 1e6', { model_type: 'qwen2', tie_word_embeddings: true, rope_theta: 1e6 }],
    ['mistral with an explicit head_dim', { model_type: 'mistral', head_dim: 16, num_attention_heads: 4, num_key_value_heads: 1 }],
  ])('matches a float64 transcription of the formulas (%s)', (_, overrides) => {
    const model = createTinyModel(41, overrides, 0.2);
    for (const [name, tensor] of model.weights) {
      if (name.endsWith('.bias') || name.endsWith('norm.weight')) tensor.data.forEach((_, index) => { tensor.data[index] = (name.endsWith('.bias') ? 0 : 1) + 0.3 * Math.sin(index * 1.7 + name.length); });
    }
    const ids = [3, 250, 17, 42, 42, 9, 120];
    const expected = referenceLogits(model, ids);
    const actual = noGrad(() => model.forward(Int32Array.from(ids), 1, ids.length)).data;
    const vocab = model.config.vocabSize;
    let worst = 0;
    expected.forEach((row, position) => row.forEach((value, index) => { worst = Math.max(worst, Math.abs(value - actual[position * vocab + index])); }));
    expect(worst).toBeLessThan(2e-4);
  });
});
