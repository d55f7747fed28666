// Writes a full model directory (config.json, model.safetensors, tokenizer files) that loadModel and transformers read.
import { writeSafetensors } from '../safetensors/write-safetensors';
import type { TensorMap, WritableDtype } from '../safetensors/safetensors-types';
import type { LlamaModel } from './llama-model';
import { toHuggingFaceConfig } from './model-config';
import type { ModelSink } from './model-source';

export interface TokenizerFiles {
  tokenizerJson: object;
  tokenizerConfig: object;
}

export function exportWeights(model: LlamaModel): TensorMap {
  const tensors: TensorMap = new Map();
  for (const [name, tensor] of model.weights) tensors.set(name, { shape: [...tensor.shape], data: tensor.toHost() });
  return tensors;
}

export async function saveModel(model: LlamaModel, sink: ModelSink, tokenizer: TokenizerFiles, dtype: WritableDtype = 'F32'): Promise<void> {
  await sink.writeFile('config.json', `${JSON.stringify(toHuggingFaceConfig(model.config), null, 2)}\n`);
  await sink.writeFile('tokenizer.json', JSON.stringify(tokenizer.tokenizerJson));
  await sink.writeFile('tokenizer_config.json', `${JSON.stringify(tokenizer.tokenizerConfig, null, 2)}\n`);
  await sink.writeFile('model.safetensors', writeSafetensors(exportWeights(model), { dtype, metadata: { format: 'pt' } }));
}
