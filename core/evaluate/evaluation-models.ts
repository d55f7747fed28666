// Which models a run evaluates: the base policy, then every model the train stage is configured to write under runs/<run>/model/.
import { ModelConfig, TrainerModelSchema } from '../schemas/model-config';
import { RunConfig } from '../schemas/run-config';
import { runKey } from '../store/run-keys';

export interface EvaluationModel {
  /** Name in output keys and metrics: "base", or the objective folder ("sft", "swirl"). */
  name: string;
  config: ModelConfig;
}

/** The objectives a training job trains, in order: the sft baseline first when the objective is swirl. */
export function listTrainedObjectives(trainer: Pick<RunConfig['trainer'], 'objective' | 'baseline'>): Array<'sft' | 'swirl'> {
  return trainer.objective === 'swirl' && trainer.baseline === 'sft' ? ['sft', 'swirl'] : [trainer.objective];
}

/** Greedy decoding: evaluation compares models, not samples. */
function greedy(config: ModelConfig): ModelConfig {
  return { ...config, temperature: 0, topP: 1 };
}

/**
 * Pure: the base policy, then one trained model per objective the config trains — with LoRA, the trainer's base model
 * plus the adapter in model/<objective>/; without, the full weights there. Known before training runs, so the plan
 * exists from the prepare stage on; a model the train stage did not leave fails its own evaluation when it is loaded.
 */
export function planEvaluationModels(config: Pick<RunConfig, 'runId' | 'policy' | 'trainer'>): EvaluationModel[] {
  const trained = listTrainedObjectives(config.trainer).map((name) => {
    const directory = runKey(config.runId, 'model', name);
    const location = config.trainer.lora ? { model: config.trainer.baseModel, adapter: directory } : { model: directory };
    return { name, config: TrainerModelSchema.parse({ provider: 'trainer', ...location, temperature: 0, topP: 1, maxTokens: config.policy.maxTokens }) };
  });
  return [{ name: 'base', config: greedy(config.policy) }, ...trained];
}
