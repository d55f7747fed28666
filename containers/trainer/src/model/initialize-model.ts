// A freshly initialized decoder: normal(0, 0.02) matrices, unit norms (zero under Gemma's 1 + w), zero biases, as Hugging Face initializes them.
import { Rng } from '../tensor/random';
import { Tensor } from '../tensor/tensor';
import { expectedWeightShapes } from './expected-weight-shapes';
import { LlamaModel } from './llama-model';
import type { DecoderConfig } from './model-config';

export function initializeModel(config: DecoderConfig, seed: number, standardDeviation = 0.02): LlamaModel {
  const rng = new Rng(seed);
  const weights = new Map<string, Tensor>();
  // Names are visited in sorted order so the same seed gives the same weights whatever the map's order.
  const shapes = expectedWeightShapes(config);
  for (const name of [...shapes.keys()].sort()) {
    const shape = shapes.get(name)!;
    const data = new Float32Array(shape.reduce((product, size) => product * size, 1));
    if (name.endsWith('norm.weight')) data.fill(1 - config.normWeightOffset);
    else if (!name.endsWith('.bias')) for (let index = 0; index < data.length; index += 1) data[index] = rng.nextNormal() * standardDeviation;
    weights.set(name, new Tensor(data, shape, { name }));
  }
  return new LlamaModel(config, weights);
}
