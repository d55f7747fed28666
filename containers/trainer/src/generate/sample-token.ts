// Picks the next token from logits: greedy at temperature 0, else temperature + nucleus (top-p) sampling.
import type { Rng } from '../tensor/random';

export interface SamplingSettings {
  temperature: number;
  topP: number;
}

export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let index = 1; index < logits.length; index += 1) if (logits[index] > logits[best]) best = index;
  return best;
}

/** Draws one token id; consumes exactly one random number unless greedy, so runs replay under a seed. */
export function sampleToken(logits: Float32Array, settings: SamplingSettings, rng: Rng): number {
  if (settings.temperature <= 0) return argmax(logits);
  return chooseToken(logits, settings, rng.nextFloat());
}

/**
 * The token a draw in [0, 1) selects: the same choice wherever it runs (host or device table), given the same draw.
 * Greedy where the temperature is not positive (the draw is then unused).
 */
export function chooseToken(logits: Float32Array, settings: SamplingSettings, draw: number): number {
  if (settings.temperature <= 0) return argmax(logits);
  let maximum = -Infinity;
  for (const value of logits) if (value > maximum) maximum = value;
  const probabilities = new Float64Array(logits.length);
  let total = 0;
  for (let index = 0; index < logits.length; index += 1) {
    probabilities[index] = Math.exp((logits[index] - maximum) / settings.temperature);
    total += probabilities[index];
  }
  if (settings.topP >= 1) {
    let cumulative = 0;
    const target = draw * total;
    for (let index = 0; index < probabilities.length; index += 1) {
      cumulative += probabilities[index];
      if (cumulative > target) return index;
    }
    return probabilities.length - 1;
  }
  const order = Array.from({ length: logits.length }, (_, index) => index).sort((left, right) => probabilities[right] - probabilities[left]);
  let kept = 0;
  let keptMass = 0;
  while (kept < order.length && keptMass < settings.topP * total) {
    keptMass += probabilities[order[kept]];
    kept += 1;
  }
  let cumulative = 0;
  const target = draw * keptMass;
  for (let rank = 0; rank < kept; rank += 1) {
    cumulative += probabilities[order[rank]];
    if (cumulative > target) return order[rank];
  }
  return order[kept - 1];
}
