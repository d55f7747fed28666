// A ModelProvider backed by the trainer's own model (+ optional LoRA adapter), registered as provider "trainer".
import { registerProviderFactory } from '../../../../core/providers/create-provider';
import type { GenerateOptions, GenerateResult, ModelProvider } from '../../../../core/providers/model-provider';
import type { Message } from '../../../../core/schemas/message';
import type { ModelConfig } from '../../../../core/schemas/model-config';
import { ObjectStore } from '../../../../core/store/object-store';
import { resolveS3Settings } from '../../../../core/store/s3-settings';
import { BatchedGenerator } from '../generate/batched-generator';
import { generateBatchedReply } from '../generate/generate-reply';
import { loadAdapter } from '../lora/save-adapter';
import { loadModel, type LoadedModel, resolveModelSource } from '../model/load-model';
import { nameOfDevice, type Device } from '../tensor/device';
import { selectJobDevice } from '../tensor/devices/select-device';
import { Rng } from '../tensor/random';

type TrainerModelConfig = Extract<ModelConfig, { provider: 'trainer' }>;

export interface TrainerProviderOptions {
  /** Store for S3-prefix models and adapters; default: from SWIRL_BUCKET / SWIRL_S3_ENDPOINT. */
  store?: ObjectStore | null;
  /** Seed of the sampling stream used when a call passes none. Default 0. */
  seed?: number;
  /** Sequences a model decodes together at most (concurrent calls beyond it wait). Default 64. */
  maxBatch?: number;
}

interface ServedModel extends LoadedModel {
  /** Every call on this model, from any provider naming it, decodes through this one generator. */
  generator: BatchedGenerator;
}

/** Loaded models are shared by every provider naming the same model and adapter. */
const loadedModels = new Map<string, Promise<ServedModel>>();

async function loadWithAdapter(config: TrainerModelConfig, store: ObjectStore | null, maxBatch: number | undefined, device: Device): Promise<ServedModel> {
  const loaded = await loadModel(config.model, store);
  if (config.adapter) loaded.model.adapter = await loadAdapter(await resolveModelSource(config.adapter, store), loaded.model.config);
  // Weights, adapter and key-value caches live on the GPU for the whole job when there is one.
  loaded.model.toDevice(device);
  return { ...loaded, generator: new BatchedGenerator(loaded.model, { maxBatch }) };
}

export class TrainerProvider implements ModelProvider {
  readonly id: string;
  private readonly rng: Rng;
  private readonly store: ObjectStore | null;
  private readonly maxBatch: number | undefined;

  constructor(private readonly config: TrainerModelConfig, options: TrainerProviderOptions = {}) {
    this.maxBatch = options.maxBatch;
    this.id = `trainer:${config.model}${config.adapter ? `+${config.adapter}` : ''}`;
    this.rng = new Rng(options.seed ?? 0);
    this.store = options.store === undefined ? new ObjectStore(resolveS3Settings()) : options.store;
  }

  private load(): Promise<ServedModel> {
    const device = selectJobDevice();
    const key = JSON.stringify([this.config.model, this.config.adapter ?? null, this.store?.bucket ?? null, nameOfDevice(device)]);
    let pending = loadedModels.get(key);
    if (!pending) {
      pending = loadWithAdapter(this.config, this.store, this.maxBatch, device);
      // A failed load is retried by the next call rather than cached.
      pending.catch(() => loadedModels.delete(key));
      loadedModels.set(key, pending);
    }
    return pending;
  }

  /**
   * Decodes beside every other pending call on the same model. A call with a seed draws from its own stream, so its
   * reply does not depend on what else is decoding; a call without one gets a seed from the provider's stream.
   */
  async generate(messages: Message[], options: GenerateOptions = {}): Promise<GenerateResult> {
    const seed = options.seed ?? this.rng.nextUint32();
    const { tokenizer, generator } = await this.load();
    const reply = await generateBatchedReply(generator, tokenizer, messages, {
      temperature: options.temperature ?? this.config.temperature,
      topP: options.topP ?? this.config.topP,
      maxTokens: options.maxTokens ?? this.config.maxTokens,
      stop: options.stop,
    }, new Rng(seed));
    return {
      text: reply.text,
      finishReason: reply.finishReason,
      usage: { inputTokens: reply.promptTokens.length, outputTokens: reply.tokens.length },
      costUsd: 0,
    };
  }
}

/** Makes createProvider({provider: 'trainer', …}) build a TrainerProvider. */
export function registerTrainerProvider(options: TrainerProviderOptions = {}): void {
  registerProviderFactory('trainer', (config) => new TrainerProvider(config, options));
}

/** Forgets loaded models (tests, or after an adapter was rewritten in place). */
export function clearTrainerModelCache(): void {
  loadedModels.clear();
}
