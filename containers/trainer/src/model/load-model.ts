// Loads a model directory (config.json, weights, tokenizer) from a local folder, an S3 prefix or builtin:<name>.
import { ObjectStore } from '../../../../core/store/object-store';
import { loadCheckpointTensors } from '../safetensors/load-weights';
import { Bfloat16Tensor } from './bfloat16-weight';
import { Tensor } from '../tensor/tensor';
import { loadTokenizer, TextTokenizer } from '../tokenizer/load-tokenizer';
import { resolveBuiltinModel } from './builtin-models';
import { expectedWeightShapes } from './expected-weight-shapes';
import { LlamaModel } from './llama-model';
import { parseModelConfig } from './model-config';
import { createLocalSource, createS3Source, ModelSource, readJsonFile } from './model-source';

export interface LoadedModel {
  model: LlamaModel;
  tokenizer: TextTokenizer;
  source: ModelSource;
}

/**
 * builtin:<name> → the built-in models directory; an absolute or ./relative path, or an existing local
 * directory → that folder; s3://bucket/prefix → that prefix; anything else → a key prefix in the run bucket.
 */
export async function resolveModelSource(reference: string, store: ObjectStore | null): Promise<ModelSource> {
  const builtin = resolveBuiltinModel(reference);
  if (builtin) return createLocalSource(builtin);
  const { existsSync } = await import('node:fs');
  if (reference.startsWith('/') || reference.startsWith('./') || reference.startsWith('../') || existsSync(reference)) return createLocalSource(reference);
  if (!store) throw new Error(`model ${JSON.stringify(reference)}: not a local directory, and no object store is configured to read it as an S3 prefix`);
  const url = /^s3:\/\/([^/]+)\/(.+)$/.exec(reference);
  if (!url) return createS3Source(store, reference.replace(/^\/+/, ''));
  const [, bucket, prefix] = url;
  return createS3Source(bucket === store.bucket ? store : new ObjectStore({ ...store.settings, bucket }), prefix);
}

/** The decoder alone (config.json and weights), without a tokenizer. */
export async function loadDecoderFromSource(source: ModelSource, configFile = 'config.json'): Promise<LlamaModel> {
  const config = parseModelConfig(await readJsonFile(source, configFile), `${source.description}/${configFile}`);
  const expected = expectedWeightShapes(config);
  // bf16 matrices stay bf16 (the frozen base at half the memory); vectors and other dtypes become float32.
  const tensors = await loadCheckpointTensors(source, { wanted: (name) => expected.has(name), keepBfloat16: (_name, shape) => shape.length === 2 });
  const weights = new Map<string, Tensor>();
  for (const name of expected.keys()) {
    const tensor = tensors.get(name);
    if (!tensor) throw new Error(`${source.description}: weights: expected tensor ${name}, but the checkpoint lacks it`);
    weights.set(name, tensor.bits ? new Bfloat16Tensor(tensor.bits, tensor.shape, name) : new Tensor(tensor.data!, tensor.shape, { name }));
  }
  return new LlamaModel(config, weights);
}

export async function loadModelFromSource(source: ModelSource): Promise<LoadedModel> {
  const model = await loadDecoderFromSource(source);
  const tokenizer = await loadTokenizer(source);
  if (tokenizer.vocabularySize > model.config.vocabSize) {
    throw new Error(`${source.description}: the tokenizer has ${tokenizer.vocabularySize} tokens but config.json vocab_size is ${model.config.vocabSize}`);
  }
  return { model, tokenizer, source };
}

export async function loadModel(reference: string, store: ObjectStore | null): Promise<LoadedModel> {
  return loadModelFromSource(await resolveModelSource(reference, store));
}
