import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveBuiltinModel } from '../../../containers/trainer/src/model/builtin-models';
import { loadModel } from '../../../containers/trainer/src/model/load-model';
import { createLocalSource } from '../../../containers/trainer/src/model/model-source';
import { saveModel } from '../../../containers/trainer/src/model/save-model';
import { noGrad } from '../../../containers/trainer/src/tensor/autograd';
import { createByteLevelTokenizerConfig, createByteLevelTokenizerJson } from '../../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

const tokenizerFiles = { tokenizerJson: createByteLevelTokenizerJson(), tokenizerConfig: createByteLevelTokenizerConfig() };

describe('model directories', () => {
  it('save → load round-trips every weight bit for bit and gives identical logits', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-model-'));
    const model = createTinyModel(12, { model_type: 'qwen2' });
    for (const [name, tensor] of model.weights) if (name.endsWith('.bias')) tensor.data.fill(0.25);
    await saveModel(model, createLocalSource(directory), tokenizerFiles);
    const config = JSON.parse(await fs.readFile(path.join(directory, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'qwen2', num_key_value_heads: 2, hidden_act: 'silu', architectures: ['Qwen2ForCausalLM'] });
    const loaded = await loadModel(directory, null);
    expect([...loaded.model.weights.keys()].sort()).toEqual([...model.weights.keys()].sort());
    for (const [name, tensor] of model.weights) {
      expect(Buffer.from(loaded.model.weights.get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer))).toBe(true);
    }
    const ids = Int32Array.from([1, 2, 3, 4]);
    expect(Array.from(noGrad(() => loaded.model.forward(ids, 1, 4)).data)).toEqual(Array.from(noGrad(() => model.forward(ids, 1, 4)).data));
    expect(loaded.tokenizer.decode(loaded.tokenizer.encode('héllo <|im_end|>'))).toBe('héllo <|im_end|>');
  });

  it('names the missing tensor and the unsupported config field', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-model-'));
    const model = createTinyModel(12);
    await saveModel(model, createLocalSource(directory), tokenizerFiles);
    const config = JSON.parse(await fs.readFile(path.join(directory, 'config.json'), 'utf8'));
    await fs.writeFile(path.join(directory, 'config.json'), JSON.stringify({ ...config, tie_word_embeddings: false, num_hidden_layers: 3 }));
    await expect(loadModel(directory, null)).rejects.toThrow('model.layers.2.input_layernorm.weight');
    await fs.writeFile(path.join(directory, 'config.json'), JSON.stringify({ ...config, rope_scaling: { rope_type: 'yarn', factor: 2 } }));
    await expect(loadModel(directory, null)).rejects.toThrow(/rope_scaling.rope_type: .*"yarn"/);
    await fs.writeFile(path.join(directory, 'config.json'), JSON.stringify({ ...config, model_type: 'gpt2' }));
    await expect(loadModel(directory, null)).rejects.toThrow(/model_type/);
  });

  it('resolves builtin:<name> under the built-in models directory and rejects odd names', () => {
    expect(resolveBuiltinModel('builtin:tiny-policy', '/models')).toBe('/models/tiny-policy');
    expect(resolveBuiltinModel('runs/x/model', '/models')).toBeNull();
    expect(() => resolveBuiltinModel('builtin:../etc', '/models')).toThrow(/invalid/);
  });
});
