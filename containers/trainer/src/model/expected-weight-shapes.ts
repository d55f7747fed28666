// The weights a decoder config calls for: every tensor name with its shape, as the family's checkpoints hold them.
import type { DecoderConfig } from './decoder-config';
import {
  EMBEDDING_WEIGHT, FINAL_NORM_WEIGHT, inputNormWeight, OUTPUT_WEIGHT, postAttentionNormWeight, postFeedForwardNormWeight,
  preFeedForwardNormWeight, projectionBias, projectionWeight,
} from './weight-names';

/** The tensor names a config needs, each with its shape. */
export function expectedWeightShapes(config: DecoderConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const attentionWidth = config.headCount * config.headDimension;
  const keyValueWidth = config.keyValueHeadCount * config.headDimension;
  shapes.set(EMBEDDING_WEIGHT, [config.vocabSize, config.hiddenSize]);
  for (let layer = 0; layer < config.layerCount; layer += 1) {
    shapes.set(inputNormWeight(layer), [config.hiddenSize]);
    shapes.set(postAttentionNormWeight(layer), [config.hiddenSize]);
    if (config.feedForwardNorms) {
      shapes.set(preFeedForwardNormWeight(layer), [config.hiddenSize]);
      shapes.set(postFeedForwardNormWeight(layer), [config.hiddenSize]);
    }
    shapes.set(projectionWeight(layer, 'q_proj'), [attentionWidth, config.hiddenSize]);
    shapes.set(projectionWeight(layer, 'k_proj'), [keyValueWidth, config.hiddenSize]);
    shapes.set(projectionWeight(layer, 'v_proj'), [keyValueWidth, config.hiddenSize]);
    shapes.set(projectionWeight(layer, 'o_proj'), [config.hiddenSize, attentionWidth]);
    if (config.attentionBias) {
      shapes.set(projectionBias(layer, 'q_proj'), [attentionWidth]);
      shapes.set(projectionBias(layer, 'k_proj'), [keyValueWidth]);
      shapes.set(projectionBias(layer, 'v_proj'), [keyValueWidth]);
    }
    shapes.set(projectionWeight(layer, 'gate_proj'), [config.intermediateSize, config.hiddenSize]);
    shapes.set(projectionWeight(layer, 'up_proj'), [config.intermediateSize, config.hiddenSize]);
    shapes.set(projectionWeight(layer, 'down_proj'), [config.hiddenSize, config.intermediateSize]);
  }
  shapes.set(FINAL_NORM_WEIGHT, [config.hiddenSize]);
  if (!config.tieEmbeddings) shapes.set(OUTPUT_WEIGHT, [config.vocabSize, config.hiddenSize]);
  return shapes;
}
