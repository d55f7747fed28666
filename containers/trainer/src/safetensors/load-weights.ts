// Loads a model's weights from model.safetensors or a sharded model.safetensors.index.json.
import type { ModelSource } from '../model/model-source';
import { readJsonFile } from '../model/model-source';
import { readSafetensors } from './read-safetensors';
import { SafetensorsError, TensorMap } from './safetensors-types';

export const SINGLE_WEIGHTS_FILE = 'model.safetensors';
export const SHARDED_INDEX_FILE = 'model.safetensors.index.json';

/** Reads all tensors; shards are read one at a time so peak memory stays one shard above the result. */
export async function loadWeights(source: ModelSource): Promise<TensorMap> {
  const single = await source.readFile(SINGLE_WEIGHTS_FILE);
  if (single) return readSafetensors(single, `${source.description}/${SINGLE_WEIGHTS_FILE}`).tensors;
  const index = await source.readFile(SHARDED_INDEX_FILE);
  if (!index) {
    throw new SafetensorsError(`${source.description}: expected ${SINGLE_WEIGHTS_FILE} or ${SHARDED_INDEX_FILE}, found neither`);
  }
  const parsed = (await readJsonFile(source, SHARDED_INDEX_FILE)) as { weight_map?: Record<string, string> };
  if (!parsed.weight_map || typeof parsed.weight_map !== 'object') {
    throw new SafetensorsError(`${source.description}/${SHARDED_INDEX_FILE}: expected a weight_map object`);
  }
  const shards = [...new Set(Object.values(parsed.weight_map))].sort();
  const tensors: TensorMap = new Map();
  for (const shard of shards) {
    if (shard.includes('/') || shard.includes('..')) throw new SafetensorsError(`${SHARDED_INDEX_FILE}: shard name ${shard} is not a plain file name`);
    const bytes = await source.readFile(shard);
    if (!bytes) throw new SafetensorsError(`${source.description}: shard ${shard} named in ${SHARDED_INDEX_FILE} does not exist`);
    const contents = readSafetensors(bytes, `${source.description}/${shard}`, (name) => parsed.weight_map![name] === shard);
    for (const [name, tensor] of contents.tensors) tensors.set(name, tensor);
  }
  const missing = Object.keys(parsed.weight_map).filter((name) => !tensors.has(name));
  if (missing.length > 0) throw new SafetensorsError(`${SHARDED_INDEX_FILE}: tensors missing from their shards: ${missing.slice(0, 5).join(', ')}`);
  return tensors;
}
