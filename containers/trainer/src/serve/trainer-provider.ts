// A ModelProvider backed by the trainer's own model (+ optional LoRA adapter), registered as provider "trainer".
import { registerProviderFactory } from '../../../../core/providers/create-provider';
import type { GenerateOptions, GenerateResult, ModelProvider } from '../../../../core/providers/model-provider';
import type { Message } from '../../../../core/schemas/message';
import type { ModelConfig } from '../../../../core/schemas/model-config';
import { ObjectStore } from '../../../../core/store/object-store';
import { resolveS3Settings } from '../../../../core/store/s3-settings';
import { generateReply } from '../generate/generate-reply';
import { loadAdapter } from '../lora/save-adapter';
import { loadModel, LoadedModel, resolveModelSource } from '../model/load-model';
import { Rng } from '../tensor/random';

type TrainerModelConfig = Extract<ModelConfig, { provider: 'trainer' }>;

export interface TrainerProviderOptions {
  /** Store for S3-prefix models and adapters; default: from SWIRL_BUCKET / SWIRL_S3_ENDPOINT. */
  store?: ObjectStore | null;
  /** Seed of the sampling stream used when a call passes none. Default 0. */
  seed?: number;
}

/** Loaded models are shared by every provider naming the same model and adapter. */
const loadedModels = new Map<string, Promise<LoadedModel>>();

async function loadWithAdapter(config: TrainerModelConfig, store: ObjectStore | null): Promise<LoadedModel> {
  const loaded = await loadModel(config.model, store);
  if (config.adapter) loaded.model.adapter = await loadAdapter(await resolveModelSource(config.adapter, store), loaded.model.config);
  return loaded;
}

export class TrainerProvider implements ModelProvider {
  readonly id: string;
  private readonly rng: Rng;
  private readonly store: ObjectStore | null;

  constructor(private readonly config: TrainerModelConfig, options: TrainerProviderOptions = {}) {
    this.id = `trainer:${config.model}${config.adapter ? `+${config.adapter}` : ''}`;
    this.rng = new Rng(options.seed ?? 0);
    this.store = options.store === undefined ? new ObjectStore(resolveS3Settings()) : options.store;
  }

  private load(): Promise<LoadedModel> {
    const key = JSON.stringify([this.config.model, this.config.adapter ?? null, this.store?.bucket ?? null]);
    let pending = loadedModels.get(key);
    if (!pending) {
      pending = loadWithAdapter(this.config, this.store);
      // A failed load is retried by the next call rather than cached.
      pending.catch(() => loadedModels.delete(key));
      loadedModels.set(key, pending);
    }
    return pending;
  }

  async generate(messages: Message[], options: GenerateOptions = {}): Promise<GenerateResult> {
    const { model, tokenizer } = await this.load();
    const reply = generateReply(model, tokenizer, messages, {
      temperature: options.temperature ?? this.config.temperature,
      topP: options.topP ?? this.config.topP,
      maxTokens: options.maxTokens ?? this.config.maxTokens,
      stop: options.stop,
    }, options.seed === undefined ? this.rng : new Rng(options.seed));
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
