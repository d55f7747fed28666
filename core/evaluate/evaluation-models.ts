// Which models a run evaluates: the base policy, then every trained model the train stage left under runs/<run>/model/.
import { ModelConfig, TrainerModelSchema } from '../schemas/model-config';
import { RunConfig } from '../schemas/run-config';
import { runKey } from '../store/run-keys';

export interface EvaluationModel {
  /** Name in output keys and metrics: "base", or the objective folder ("sft", "swirl"). */
  name: string;
  config: ModelConfig;
}

/** Files that make a folder a loadable model: a PEFT adapter, or full weights. */
const ADAPTER_FILES = ['adapter_config.json', 'adapter_model.safetensors'];
const FULL_MODEL_FILE = 'model.safetensors';
const MODEL_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Greedy decoding: evaluation compares models, not samples. */
function greedy(config: ModelConfig): ModelConfig {
  return { ...config, temperature: 0, topP: 1 };
}

/**
 * Pure: from the keys listed under runs/<run>/model/ picks each folder `model/<name>/` holding an adapter
 * (evaluated as the trainer's base model plus that adapter) or full weights (evaluated on their own).
 * Files deeper down (checkpoints) do not count; base comes first, trained models follow in name order.
 */
export function listEvaluationModels(config: Pick<RunConfig, 'runId' | 'policy' | 'trainer'>, modelKeys: readonly string[]): EvaluationModel[] {
  const prefix = runKey(config.runId, 'model') + '/';
  const folders = new Map<string, { adapter: boolean; full: boolean }>();
  for (const key of modelKeys) {
    if (!key.startsWith(prefix)) continue;
    const parts = key.slice(prefix.length).split('/');
    if (parts.length !== 2 || !MODEL_NAME.test(parts[0]) || parts[0] === 'base') continue;
    const found = folders.get(parts[0]) ?? { adapter: false, full: false };
    if (ADAPTER_FILES.includes(parts[1])) found.adapter = true;
    if (parts[1] === FULL_MODEL_FILE) found.full = true;
    folders.set(parts[0], found);
  }
  const trained: EvaluationModel[] = [...folders.entries()]
    .filter(([, found]) => found.adapter || found.full)
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([name, found]) => {
      const directory = `${prefix}${name}`;
      const location = found.adapter ? { model: config.trainer.baseModel, adapter: directory } : { model: directory };
      const trainedConfig = TrainerModelSchema.parse({ provider: 'trainer', ...location, temperature: 0, topP: 1, maxTokens: config.policy.maxTokens });
      return { name, config: trainedConfig };
    });
  return [{ name: 'base', config: greedy(config.policy) }, ...trained];
}
