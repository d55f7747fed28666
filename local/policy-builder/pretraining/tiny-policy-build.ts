// What one tiny-policy build produced: its shape, data and losses (the README writer's input, the build's result).
import type { DecoderConfig } from '../../../containers/trainer/src/model/model-config';

export interface TinyPolicyBuild {
  directory: string;
  parameterCount: number;
  /** The trained model's shape: the settings' for a fresh build, the starting model's for a continuation. */
  config: DecoderConfig;
  demonstrations: { total: number; correct: number; withMistakes: number };
  trainingTokens: number;
  /** Copy-drill loss at the start and end of stage 1, and the steps it ran (null when it was skipped). */
  drillLoss: { first: number; final: number; steps: number } | null;
  firstLoss: number;
  finalLoss: number;
  seconds: { demonstrations: number; tokenizer: number; training: number; total: number };
}
