// Each family against transformers' float32 logits and PEFT's LoRA gradients (fixtures written by
// scripts/reference/generate-family-fixtures.py): both config layouts, adapters, merged export, the KV cache.
import { Bfloat16Tensor, LlamaModel, type DecoderConfig } from '../../../containers/trainer/src/model';
import { noGrad } from '../../../containers/trainer/src/tensor/autograd';
import { compareFamily, FAMILY_FIXTURE_NAMES, loadFamilyModel, maxAbsDifference, readFamilyReference } from './family-fixtures';

describe('model families against transformers and PEFT', () => {
  it('keeps the checkpoints\' bf16 matrices as bf16 and their vectors as float32', async () => {
    const model = await loadFamilyModel('gemma2');
    expect(model.weights.get('model.layers.0.self_attn.q_proj.weight')).toBeInstanceOf(Bfloat16Tensor);
    expect(model.weights.get('model.embed_tokens.weight')).toBeInstanceOf(Bfloat16Tensor);
    expect(model.weights.get('model.layers.0.pre_feedforward_layernorm.weight')).not.toBeInstanceOf(Bfloat16Tensor);
  });

  it.each(FAMILY_FIXTURE_NAMES)('%s matches its reference', async (name) => {
    const result = await compareFamily(name);
    expect(result.maxAbsLogitError).toBeLessThan(1e-4);
    expect(result.loraGradMaxRelError).toBeLessThan(1e-3);
    expect(result.mergedLogitError).toBeLessThan(1e-4);
    expect(result.cachedLogitError).toBeLessThan(1e-4);
    expect(result.peftRoundTrip).toBe(true);
  });
});

describe('the family fixtures exercise each distinctive part', () => {
  // Dropping one part of a family must move the logits far past the tolerance above, or the comparison proves nothing.
  const variants: Array<[string, string, (config: DecoderConfig) => DecoderConfig]> = [
    ['llama3', 'llama3 rope scaling', (config) => ({ ...config, rope: { ...config.rope, type: 'default', factor: 1 } })],
    ['llama-linear', 'linear rope scaling', (config) => ({ ...config, rope: { ...config.rope, type: 'default', factor: 1 } })],
    ['mistral', 'the sliding window', (config) => ({ ...config, slidingLayers: config.slidingLayers.map(() => false) })],
    ['gemma2', 'attention soft-capping', (config) => ({ ...config, attentionSoftCap: null })],
    ['gemma2', 'final-logit soft-capping', (config) => ({ ...config, finalLogitSoftCap: null })],
    ['gemma2', 'alternating sliding layers', (config) => ({ ...config, slidingLayers: config.slidingLayers.map(() => true) })],
    ['gemma2', 'query_pre_attn_scalar', (config) => ({ ...config, queryPreAttentionScalar: null })],
  ];
  it.each(variants)('%s without %s misses its reference', async (name, _part, change) => {
    const reference = await readFamilyReference(name);
    const model = await loadFamilyModel(name);
    const changed = new LlamaModel(change(model.config), model.weights);
    const logits = noGrad(() => changed.forward(Int32Array.from(reference.ids.flat()), reference.ids.length, reference.ids[0].length));
    expect(maxAbsDifference(logits.data, reference.logits)).toBeGreaterThan(1e-3);
  });

  it('qwen2.5 without its q/k/v biases misses its reference', async () => {
    const reference = await readFamilyReference('qwen2.5');
    const model = await loadFamilyModel('qwen2.5');
    for (const [name, tensor] of model.weights) if (name.endsWith('.bias')) tensor.data.fill(0);
    const logits = noGrad(() => model.forward(Int32Array.from(reference.ids.flat()), reference.ids.length, reference.ids[0].length));
    expect(maxAbsDifference(logits.data, reference.logits)).toBeGreaterThan(1e-3);
  });
});
