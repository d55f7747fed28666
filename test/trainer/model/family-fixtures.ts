// Compares the trainer against the transformers/PEFT fixtures of each model family (shared by tests and the bench).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadAdapter, mergeAdapter } from '../../../containers/trainer/src/lora';
import { createLocalSource, KeyValueCache, LlamaModel, loadDecoderFromSource } from '../../../containers/trainer/src/model';
import { readSafetensors } from '../../../containers/trainer/src/safetensors';
import { backward, noGrad } from '../../../containers/trainer/src/tensor/autograd';
import { crossEntropy } from '../../../containers/trainer/src/tensor/ops';

export const FAMILY_FIXTURES_DIRECTORY = path.resolve(__dirname, '../../fixtures/model-families');
/** The published families each fixture stands for, then the extra rope case. */
export const FAMILY_FIXTURE_NAMES = ['llama3', 'qwen2.5', 'smollm2', 'mistral', 'gemma2', 'llama-linear'] as const;

export interface FamilyReference {
  family: string;
  modelType: string;
  ids: number[][];
  logits: number[];
  adapterLogits: number[];
  loss: number;
  peftRoundTrip: { maxAbsLogitError: number; passed: boolean };
}

export interface FamilyComparison {
  name: string;
  modelType: string;
  loaded: boolean;
  /** Largest |ours − transformers| over both config layouts, base and adapter logits. */
  maxAbsLogitError: number;
  /** Largest |ours − PEFT| over every LoRA gradient, relative to that tensor's largest |PEFT| entry. */
  loraGradMaxRelError: number;
  /** Merged export's logits against the adapter model's. */
  mergedLogitError: number;
  /** Cached generation (prefix, then the rest one token at a time) against the full forward. */
  cachedLogitError: number;
  peftRoundTrip: boolean;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`compared arrays differ in length: ${a.length} and ${b.length}`);
  let largest = 0;
  for (let index = 0; index < a.length; index += 1) largest = Math.max(largest, Math.abs(a[index] - b[index]));
  return largest;
}

export async function readFamilyReference(name: string): Promise<FamilyReference> {
  return JSON.parse(await fs.readFile(path.join(FAMILY_FIXTURES_DIRECTORY, name, 'reference.json'), 'utf8')) as FamilyReference;
}

export function loadFamilyModel(name: string, configFile = 'config.json'): Promise<LlamaModel> {
  return loadDecoderFromSource(createLocalSource(path.join(FAMILY_FIXTURES_DIRECTORY, name)), configFile);
}

function flatIds(reference: FamilyReference): { ids: Int32Array; batch: number; length: number } {
  return { ids: Int32Array.from(reference.ids.flat()), batch: reference.ids.length, length: reference.ids[0].length };
}

function computeLogits(model: LlamaModel, reference: FamilyReference): Float32Array {
  const { ids, batch, length } = flatIds(reference);
  return noGrad(() => model.forward(ids, batch, length)).data;
}

/** Gradients of the mean next-token cross-entropy (transformers' `labels=ids` loss) by PEFT key. */
export function computeLoraGradients(model: LlamaModel, reference: FamilyReference): Map<string, Float32Array> {
  const { ids, batch, length } = flatIds(reference);
  const targets = new Int32Array(batch * length).fill(-1);
  for (let row = 0; row < batch; row += 1) for (let step = 0; step + 1 < length; step += 1) targets[row * length + step] = ids[row * length + step + 1];
  const parameters = model.adapter!.namedParameters();
  for (const tensor of parameters.values()) tensor.zeroGrad();
  backward(crossEntropy(model.forward(ids, batch, length), targets));
  return new Map([...parameters].map(([name, tensor]) => [name, tensor.grad!.slice()]));
}

function cachedLogitError(model: LlamaModel, reference: FamilyReference, full: Float32Array): number {
  const { ids, length } = flatIds(reference);
  const cache = new KeyValueCache(model.config, 1, length);
  const vocab = model.config.vocabSize;
  const prefix = 5;
  const parts = [noGrad(() => model.forward(ids.subarray(0, prefix), 1, prefix, { cache })).data];
  for (let step = prefix; step < length; step += 1) parts.push(noGrad(() => model.forward(ids.subarray(step, step + 1), 1, 1, { cache })).data);
  const cached = new Float32Array(length * vocab);
  let offset = 0;
  for (const part of parts) {
    cached.set(part, offset);
    offset += part.length;
  }
  return maxAbsDifference(cached, full.subarray(0, length * vocab));
}

/** Every check of one family against its fixture. */
export async function compareFamily(name: string): Promise<FamilyComparison> {
  const directory = path.join(FAMILY_FIXTURES_DIRECTORY, name);
  const reference = await readFamilyReference(name);
  const model = await loadFamilyModel(name);
  const legacy = await loadFamilyModel(name, 'legacy-config.json');
  const base = computeLogits(model, reference);
  let maxAbsLogitError = Math.max(maxAbsDifference(base, reference.logits), maxAbsDifference(computeLogits(legacy, reference), reference.logits));
  const cached = cachedLogitError(model, reference, base);
  model.adapter = await loadAdapter(createLocalSource(path.join(directory, 'adapter')), model.config);
  const adapted = computeLogits(model, reference);
  maxAbsLogitError = Math.max(maxAbsLogitError, maxAbsDifference(adapted, reference.adapterLogits));
  const mergedLogitError = maxAbsDifference(computeLogits(mergeAdapter(model, model.adapter), reference), adapted);
  const expected = readSafetensors(await fs.readFile(path.join(directory, 'lora-gradients.safetensors'))).tensors;
  const ours = computeLoraGradients(model, reference);
  let loraGradMaxRelError = 0;
  for (const [key, gradient] of ours) {
    const peft = expected.get(key);
    if (!peft) throw new Error(`${name}: PEFT gradients lack ${key}`);
    const scale = peft.data.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
    loraGradMaxRelError = Math.max(loraGradMaxRelError, maxAbsDifference(gradient, peft.data) / Math.max(scale, 1e-12));
  }
  if (expected.size !== ours.size) throw new Error(`${name}: PEFT has ${expected.size} LoRA gradients, the trainer ${ours.size}`);
  return {
    name, modelType: model.config.modelType, loaded: true, maxAbsLogitError, loraGradMaxRelError, mergedLogitError,
    cachedLogitError: cached, peftRoundTrip: reference.peftRoundTrip.passed,
  };
}
