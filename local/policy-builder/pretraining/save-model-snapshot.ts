// Writes a model directory synchronously: the training loop never yields to the event loop, so async writes would wait until it ends.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LlamaModel } from '../../../containers/trainer/src/model/llama-model';
import { toHuggingFaceConfig } from '../../../containers/trainer/src/model/model-config';
import { exportWeights, type TokenizerFiles } from '../../../containers/trainer/src/model/save-model';
import type { WritableDtype } from '../../../containers/trainer/src/safetensors/safetensors-types';
import { writeSafetensors } from '../../../containers/trainer/src/safetensors/write-safetensors';

function writeWhole(file: string, body: Buffer | string): void {
  // Write then rename, so a reader (an evaluation of the snapshot) never sees half a file.
  const temporary = `${file}.partial-${process.pid}`;
  writeFileSync(temporary, body);
  renameSync(temporary, file);
}

/** The same files as saveModel (config.json, model.safetensors, tokenizer files), written before returning. */
export function saveModelSnapshot(model: LlamaModel, directory: string, tokenizer: TokenizerFiles, dtype: WritableDtype): void {
  mkdirSync(directory, { recursive: true });
  writeWhole(path.join(directory, 'config.json'), `${JSON.stringify(toHuggingFaceConfig(model.config), null, 2)}\n`);
  writeWhole(path.join(directory, 'tokenizer.json'), JSON.stringify(tokenizer.tokenizerJson));
  writeWhole(path.join(directory, 'tokenizer_config.json'), `${JSON.stringify(tokenizer.tokenizerConfig, null, 2)}\n`);
  writeWhole(path.join(directory, 'model.safetensors'), writeSafetensors(exportWeights(model), { dtype, metadata: { format: 'pt' } }));
}
