// How often a demonstrated policy errs, per situation: uneven on purpose, like a real weak model with blind spots.
import { createSeededRandom } from '../seeded-random';

export interface MistakeOptions {
  /** Mean chance of a mistake at a decision point (0–1). */
  mistakeRate: number;
  /** Chance that a wrong step is followed by a correction instead of carrying on. Default 0.3. */
  recoveryRate?: number;
  /**
   * How uneven the mistake rates are across situations (0 = the same everywhere, 1 = from 0 to twice the mean).
   * Unevenness makes some situations mostly wrong, so even greedy decoding inherits the mistakes. Default 0.9.
   */
  spread?: number;
  /** Share of the mean rate spent on answering too early instead of on wrong steps. Default 0.3. */
  prematureShare?: number;
}

export interface MistakeProfile {
  /** Chance of a wrong step in a situation (a relation to follow, an operation to compute). */
  wrongStepRate(situation: string): number;
  prematureRate: number;
  recoveryRate: number;
}

const MAX_RATE = 0.95;

function checkRate(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`${name}: expected a number from 0 to 1, received ${String(value)}`);
}

/** Rates are assigned to situations in a seed-dependent order, spaced evenly around the mean. */
export function createMistakeProfile(situations: readonly string[], seed: number, options: MistakeOptions): MistakeProfile {
  const { mistakeRate, recoveryRate = 0.3, spread = 0.9, prematureShare = 0.3 } = options;
  checkRate('mistakeRate', mistakeRate);
  checkRate('recoveryRate', recoveryRate);
  checkRate('spread', spread);
  checkRate('prematureShare', prematureShare);
  const order = createSeededRandom(`mistakes:${seed}:${situations.join(',')}`).shuffle(situations);
  const rates = new Map<string, number>();
  const wrongStepMean = mistakeRate * (1 - prematureShare);
  order.forEach((situation, position) => {
    const offset = order.length === 1 ? 0 : 1 - (2 * position) / (order.length - 1);
    rates.set(situation, Math.min(MAX_RATE, Math.max(0, wrongStepMean * (1 + spread * offset))));
  });
  return {
    wrongStepRate(situation: string): number {
      const rate = rates.get(situation);
      if (rate === undefined) throw new Error(`mistake profile: unknown situation ${JSON.stringify(situation)}; expected one of ${situations.join(', ')}`);
      return rate;
    },
    prematureRate: Math.min(MAX_RATE, mistakeRate * prematureShare),
    recoveryRate,
  };
}
