// The decoder's shape and the family traits the shared block reads, derived from config.json by a family file.
import type { RopeSettings } from './rope-settings';

export const SUPPORTED_MODEL_TYPES = ['llama', 'qwen2', 'mistral', 'gemma2'] as const;
export type ModelType = (typeof SUPPORTED_MODEL_TYPES)[number];
export type Activation = 'silu' | 'gelu_tanh';

export interface DecoderConfig {
  modelType: ModelType;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  layerCount: number;
  headCount: number;
  keyValueHeadCount: number;
  headDimension: number;
  rmsNormEpsilon: number;
  rope: RopeSettings;
  maxPositions: number;
  tieEmbeddings: boolean;
  /** Bias on q, k and v projections (qwen2 always; llama when attention_bias). */
  attentionBias: boolean;
  eosTokenIds: number[];
  bosTokenId: number | null;
  /** Keys a sliding-window layer still sees behind each query (itself included); null when no layer slides. */
  slidingWindow: number | null;
  /** Per layer: whether it attends through the sliding window (else to every earlier position). */
  slidingLayers: boolean[];
  /** The MLP gate: SwiGLU (silu) or GeGLU with the tanh GELU. */
  activation: Activation;
  /** Embeddings are multiplied by this (Gemma: sqrt(hidden size) rounded to float32; else 1). */
  embeddingMultiplier: number;
  /** RMSNorm multiplies by (offset + weight): 1 for Gemma, 0 elsewhere. */
  normWeightOffset: 0 | 1;
  /** Gemma 2's extra norms: after attention's output and around the MLP (pre/post feed-forward). */
  feedForwardNorms: boolean;
  /** Attention scores are scaled by queryPreAttentionScalar^-½ (Gemma 2), else headDimension^-½. */
  queryPreAttentionScalar: number | null;
  /** cap·tanh(x/cap) on attention scores and on the final logits, when set. */
  attentionSoftCap: number | null;
  finalLogitSoftCap: number | null;
}

/** The softmax scale of attention scores. */
export function attentionScaleOf(config: DecoderConfig): number {
  return 1 / Math.sqrt(config.queryPreAttentionScalar ?? config.headDimension);
}
