// Trains a small byte-level decoder from scratch on text or chat examples (all weights, no LoRA) and saves it as a
// model directory that builtin:<name> and loadModel read. The embedded demo's base policy is built this way.
import { initializeModel } from '../model/initialize-model';
import { parseModelConfig } from '../model/model-config';
import { createLocalSource } from '../model/model-source';
import { saveModel } from '../model/save-model';
import { SftObjective, SupervisedExample } from '../objectives/sft-objective';
import {
  BYTE_LEVEL_VOCABULARY_SIZE, createByteLevelTokenizerConfig, createByteLevelTokenizerJson, TURN_END_TOKEN,
} from '../tokenizer/byte-level-tokenizer';
import { createTextTokenizer } from '../tokenizer/load-tokenizer';
import type { StepMetrics } from './metrics-writer';
import { LoopSettings, runTrainLoop } from './train-loop';

export interface ScratchModelSize {
  hiddenSize: number;
  intermediateSize: number;
  layerCount: number;
  headCount: number;
  keyValueHeadCount: number;
  maxPositions: number;
}

/** About 0.4M parameters: trains in minutes on two CPU cores. */
export const TINY_POLICY_SIZE: ScratchModelSize = { hiddenSize: 128, intermediateSize: 344, layerCount: 4, headCount: 4, keyValueHeadCount: 2, maxPositions: 1024 };

export const DEFAULT_SCRATCH_SETTINGS: LoopSettings = {
  maxSteps: 300, batchSize: 8, gradientAccumulation: 1, gradientClip: 1, learningRate: 3e-3, warmupSteps: 20,
  weightDecay: 0.01, seed: 1234, checkpointEvery: 1_000_000,
};

export interface TrainFromScratchOptions {
  examples: readonly SupervisedExample[];
  /** Directory to write config.json, model.safetensors, tokenizer.json and tokenizer_config.json into. */
  outputDirectory: string;
  size?: Partial<ScratchModelSize>;
  settings?: Partial<LoopSettings>;
  onStep?: (metrics: StepMetrics) => void;
}

export interface TrainFromScratchResult {
  metrics: StepMetrics[];
  parameterCount: number;
}

export async function trainModelFromScratch(options: TrainFromScratchOptions): Promise<TrainFromScratchResult> {
  const size = { ...TINY_POLICY_SIZE, ...options.size };
  const settings = { ...DEFAULT_SCRATCH_SETTINGS, ...options.settings };
  const tokenizerJson = createByteLevelTokenizerJson();
  const tokenizerConfig = createByteLevelTokenizerConfig();
  const tokenizer = createTextTokenizer(tokenizerJson, tokenizerConfig);
  const config = parseModelConfig({
    model_type: 'llama',
    vocab_size: BYTE_LEVEL_VOCABULARY_SIZE,
    hidden_size: size.hiddenSize,
    intermediate_size: size.intermediateSize,
    num_hidden_layers: size.layerCount,
    num_attention_heads: size.headCount,
    num_key_value_heads: size.keyValueHeadCount,
    max_position_embeddings: size.maxPositions,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: true,
    eos_token_id: tokenizer.encode(TURN_END_TOKEN)[0],
    bos_token_id: null,
  }, 'scratch model size');
  const model = initializeModel(config, settings.seed);
  model.setBaseTrainable(true);
  const result = await runTrainLoop({
    records: options.examples,
    objective: new SftObjective(model, tokenizer, size.maxPositions),
    parameters: model.weights,
    settings,
    output: null,
    onStep: options.onStep,
    label: 'scratch',
  });
  await saveModel(model, createLocalSource(options.outputDirectory), { tokenizerJson, tokenizerConfig });
  return { metrics: result.metrics, parameterCount: model.parameterCount() };
}
