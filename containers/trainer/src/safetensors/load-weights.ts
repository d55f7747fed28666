// Loads a model's weights from model.safetensors or a sharded model.safetensors.index.json, one shard at a time.
import type { ModelSource } from '../model/model-source';
import { readJsonFile } from '../model/model-source';
import { SafetensorsError, TensorMap } from './safetensors-types';
import { CheckpointTensor, StreamOptions, streamSafetensors } from './stream-safetensors';

export const SINGLE_WEIGHTS_FILE = 'model.safetensors';
export const SHARDED_INDEX_FILE = 'model.safetensors.index.json';

async function readWeightsFile(source: ModelSource, name: string, options: StreamOptions): Promise<Map<string, CheckpointTensor> | null> {
  const label = `${source.description}/${name}`;
  const file = source.openFile ? await source.openFile(name) : null;
  if (file) {
    try {
      return await streamSafetensors({ file }, label, options);
    } finally {
      await file.close();
    }
  }
  if (source.openFile) return null;
  const buffer = await source.readFile(name);
  return buffer ? streamSafetensors({ buffer }, label, options) : null;
}

/**
 * Reads the wanted tensors; shards are read one at a time, tensor by tensor where the source allows ranged reads,
 * so memory holds the kept tensors and little else.
 */
export async function loadCheckpointTensors(source: ModelSource, options: StreamOptions): Promise<Map<string, CheckpointTensor>> {
  const single = await readWeightsFile(source, SINGLE_WEIGHTS_FILE, options);
  if (single) return single;
  const index = await source.readFile(SHARDED_INDEX_FILE);
  if (!index) {
    throw new SafetensorsError(`${source.description}: expected ${SINGLE_WEIGHTS_FILE} or ${SHARDED_INDEX_FILE}, found neither`);
  }
  const parsed = (await readJsonFile(source, SHARDED_INDEX_FILE)) as { weight_map?: Record<string, string> };
  if (!parsed.weight_map || typeof parsed.weight_map !== 'object') {
    throw new SafetensorsError(`${source.description}/${SHARDED_INDEX_FILE}: expected a weight_map object`);
  }
  const weightMap = parsed.weight_map;
  const shards = [...new Set(Object.values(weightMap))].sort();
  const tensors = new Map<string, CheckpointTensor>();
  for (const shard of shards) {
    if (shard.includes('/') || shard.includes('..')) throw new SafetensorsError(`${SHARDED_INDEX_FILE}: shard name ${shard} is not a plain file name`);
    const contents = await readWeightsFile(source, shard, { ...options, wanted: (name) => weightMap[name] === shard && options.wanted(name) });
    if (!contents) throw new SafetensorsError(`${source.description}: shard ${shard} named in ${SHARDED_INDEX_FILE} does not exist`);
    for (const [name, tensor] of contents) tensors.set(name, tensor);
  }
  const missing = Object.keys(weightMap).filter((name) => options.wanted(name) && !tensors.has(name));
  if (missing.length > 0) throw new SafetensorsError(`${SHARDED_INDEX_FILE}: tensors missing from their shards: ${missing.slice(0, 5).join(', ')}`);
  return tensors;
}

/** Reads all tensors as float32. */
export async function loadWeights(source: ModelSource): Promise<TensorMap> {
  const tensors = await loadCheckpointTensors(source, { wanted: () => true, keepBfloat16: () => false });
  const result: TensorMap = new Map();
  for (const [name, tensor] of tensors) result.set(name, { shape: tensor.shape, data: tensor.data! });
  return result;
}
