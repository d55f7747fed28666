// Settings of the embedded demo's base policy: its demonstrations, tokenizer, shape and pretraining schedule.

export interface TinyPolicySettings {
  /** Seeds the demonstrations, the initialization and the data order. */
  seed: number;
  /** Generated train questions per family (hop and arith). */
  questionsPerFamily: number;
  /** Chance of a mistake at an ordinary decision in the demonstrations. */
  mistakeRate: number;
  recoveryRate: number;
  /** Situations per family where the demonstrations are usually wrong (see createMistakeProfile). */
  blindSpots: number;
  blindSpotRate: number;
  vocabularySize: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  keyValueHeads: number;
  maxPositions: number;
  /** Loss weight of the question and tool-result tokens (0: replies only); teaches copying names and numbers from context. */
  contextWeight: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  /** Save the model directory every N steps while training (0: only at the end). */
  snapshotEvery: number;
  /** Start from this model directory's weights instead of a fresh initialization (same demonstrations and tokenizer). */
  initFrom: string | null;
  /** Stored weight type: bf16 halves the file. */
  dtype: 'BF16' | 'F32';
}

export const DEFAULT_TINY_POLICY_SETTINGS: TinyPolicySettings = {
  seed: 1,
  questionsPerFamily: 1500,
  mistakeRate: 0.15,
  recoveryRate: 0.3,
  blindSpots: 1,
  blindSpotRate: 0.7,
  vocabularySize: 1024,
  hiddenSize: 128,
  intermediateSize: 384,
  layers: 4,
  heads: 4,
  keyValueHeads: 2,
  maxPositions: 1024,
  contextWeight: 0,
  steps: 400,
  batchSize: 8,
  learningRate: 3e-3,
  warmupSteps: 20,
  weightDecay: 0.01,
  snapshotEvery: 50,
  initFrom: null,
  dtype: 'BF16',
};
