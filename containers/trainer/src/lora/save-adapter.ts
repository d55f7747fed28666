// Saves a LoRA adapter in PEFT's format and loads one back onto a model.
import type { ModelSink, ModelSource } from '../model/model-source';
import { readJsonFile, readRequiredFile } from '../model/model-source';
import type { DecoderConfig } from '../model/model-config';
import { readSafetensors } from '../safetensors/read-safetensors';
import type { TensorMap } from '../safetensors/safetensors-types';
import { writeSafetensors } from '../safetensors/write-safetensors';
import { Tensor } from '../tensor/tensor';
import { LoraAdapter, projectionShape } from './lora-adapter';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, createAdapterConfig, parseAdapterConfig, peftKey } from './peft-format';

export function exportAdapterTensors(adapter: LoraAdapter): TensorMap {
  const tensors: TensorMap = new Map();
  for (const [name, tensor] of adapter.namedParameters()) tensors.set(name, { shape: [...tensor.shape], data: tensor.toHost() });
  return tensors;
}

export async function saveAdapter(adapter: LoraAdapter, sink: ModelSink, baseModel: string): Promise<void> {
  await sink.writeFile(ADAPTER_WEIGHTS_FILE, writeSafetensors(exportAdapterTensors(adapter), { metadata: { format: 'pt' } }));
  await sink.writeFile(ADAPTER_CONFIG_FILE, `${JSON.stringify(createAdapterConfig(adapter.settings, baseModel), null, 2)}\n`);
}

/** Reads adapter_config.json + adapter_model.safetensors and checks every matrix against the model's shapes. */
export async function loadAdapter(source: ModelSource, config: DecoderConfig): Promise<LoraAdapter> {
  const settings = parseAdapterConfig(await readJsonFile(source, ADAPTER_CONFIG_FILE), `${source.description}/${ADAPTER_CONFIG_FILE}`);
  const { tensors } = readSafetensors(await readRequiredFile(source, ADAPTER_WEIGHTS_FILE), `${source.description}/${ADAPTER_WEIGHTS_FILE}`);
  const adapter = new LoraAdapter(settings, config.layerCount);
  for (let layer = 0; layer < config.layerCount; layer += 1) {
    for (const projection of settings.targets) {
      const { input, output } = projectionShape(config, projection);
      const read = (matrix: 'A' | 'B', shape: number[]): Tensor => {
        // PEFT versions before 0.3 kept the adapter name in the key; accept both spellings.
        const name = peftKey(layer, projection, matrix);
        const tensor = tensors.get(name) ?? tensors.get(name.replace(/\.weight$/, '.default.weight'));
        if (!tensor) throw new Error(`${source.description}/${ADAPTER_WEIGHTS_FILE}: expected tensor ${name}, but it is missing`);
        if (tensor.shape.join(',') !== shape.join(',')) throw new Error(`${source.description}/${ADAPTER_WEIGHTS_FILE}: ${name}: expected shape [${shape}], received [${tensor.shape}]`);
        return new Tensor(tensor.data, shape, { requiresGrad: true, name });
      };
      adapter.pairs.set(LoraAdapter.pairKey(layer, projection), { a: read('A', [settings.rank, input]), b: read('B', [output, settings.rank]) });
    }
  }
  return adapter;
}
