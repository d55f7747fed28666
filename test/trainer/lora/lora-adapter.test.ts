import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoraAdapter } from '../../../containers/trainer/src/lora/lora-adapter';
import { mergeAdapter } from '../../../containers/trainer/src/lora/merge-adapter';
import { loadAdapter, saveAdapter } from '../../../containers/trainer/src/lora/save-adapter';
import { createLocalSource } from '../../../containers/trainer/src/model/model-source';
import { readSafetensors } from '../../../containers/trainer/src/safetensors';
import { noGrad } from '../../../containers/trainer/src/tensor/autograd';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { createTinyModel, selectTestBackend } from '../tiny-model';
import { PEFT_FIXTURE } from './peft-fixture';

beforeAll(() => selectTestBackend());

function createTrainedAdapter(targets: LoraAdapter['settings']['targets'], dropout = 0): LoraAdapter {
  const model = createTinyModel(2);
  const adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 8, dropout, targets }, new Rng(9));
  // B starts at zero; give it values as training would, so the adapter changes the output.
  const rng = new Rng(10);
  for (const pair of adapter.pairs.values()) pair.b.data.forEach((_, index) => { pair.b.data[index] = rng.nextNormal() * 0.2; });
  return adapter;
}

describe('LoRA adapters', () => {
  it('saves PEFT key names, shapes and adapter_config.json fields as PEFT writes them', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-peft-'));
    const adapter = createTrainedAdapter(['v_proj', 'q_proj'], 0.05);
    await saveAdapter(adapter, createLocalSource(directory), 'builtin:tiny-policy');
    const config = JSON.parse(await fs.readFile(path.join(directory, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject(PEFT_FIXTURE.adapterConfig);
    expect(config.base_model_name_or_path).toBe('builtin:tiny-policy');
    const { tensors } = readSafetensors(await fs.readFile(path.join(directory, 'adapter_model.safetensors')));
    expect(Object.fromEntries([...tensors].map(([name, tensor]) => [name, tensor.shape]))).toEqual(PEFT_FIXTURE.tensorShapes);
  });

  it('loads a saved adapter back bit for bit and rejects a mismatched one', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-peft-'));
    const adapter = createTrainedAdapter(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']);
    await saveAdapter(adapter, createLocalSource(directory), 'base');
    const model = createTinyModel(2);
    const loaded = await loadAdapter(createLocalSource(directory), model.config);
    expect({ ...loaded.settings, targets: [...loaded.settings.targets].sort() }).toEqual({ ...adapter.settings, targets: [...adapter.settings.targets].sort() });
    for (const [name, tensor] of adapter.namedParameters()) {
      expect(Buffer.from(loaded.namedParameters().get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer))).toBe(true);
    }
    const wider = createTinyModel(2, { intermediate_size: 48 });
    await expect(loadAdapter(createLocalSource(directory), wider.config)).rejects.toThrow(/down_proj\.lora_A\.weight: expected shape \[4,48\], received \[4,64\]/);
  });

  it('gives the same logits merged into the weights as applied beside them', () => {
    const model = createTinyModel(2);
    const ids = Int32Array.from([5, 17, 99, 3, 42, 7, 8]);
    const base = noGrad(() => model.forward(ids, 1, ids.length)).data;
    model.adapter = createTrainedAdapter(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']);
    const withAdapter = noGrad(() => model.forward(ids, 1, ids.length)).data;
    const merged = mergeAdapter(model, model.adapter);
    const mergedLogits = noGrad(() => merged.forward(ids, 1, ids.length)).data;
    let adapterEffect = 0;
    let mergeError = 0;
    for (let index = 0; index < base.length; index += 1) {
      adapterEffect = Math.max(adapterEffect, Math.abs(withAdapter[index] - base[index]));
      mergeError = Math.max(mergeError, Math.abs(withAdapter[index] - mergedLogits[index]));
    }
    expect(adapterEffect).toBeGreaterThan(1e-2);
    expect(mergeError).toBeLessThan(1e-5);
    // The original model's weights are untouched by the merge.
    model.adapter = null;
    expect(Array.from(noGrad(() => model.forward(ids, 1, ids.length)).data)).toEqual(Array.from(base));
  });
});
