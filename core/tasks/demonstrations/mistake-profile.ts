// How often a demonstrated policy errs, per situation: mostly rare slips, plus a few blind spots where it is usually wrong.
import { createSeededRandom } from '../seeded-random';

export interface MistakeOptions {
  /** Chance of a mistake at an ordinary decision point (0–1), split between wrong steps and premature answers. */
  mistakeRate: number;
  /** Chance that a wrong step is followed by a correction instead of carrying on. Default 0.3. */
  recoveryRate?: number;
  /**
   * Situations (relations to follow, operations to compute) where the policy has a blind spot. Blind spots make
   * the mistake the most likely action, so even greedy decoding inherits it, as with a real weak model. Default 1.
   */
  blindSpots?: number;
  /** Wrong-step chance in a blind spot. Default 0.7. */
  blindSpotRate?: number;
  /** Share of the ordinary mistake rate spent on answering too early instead of on wrong steps. Default 0.3. */
  prematureShare?: number;
}

export interface MistakeProfile {
  /** Chance of a wrong step in a situation. */
  wrongStepRate(situation: string): number;
  prematureRate: number;
  recoveryRate: number;
  /** The situations chosen as blind spots (seed-dependent). */
  blindSpots: readonly string[];
}

function checkRate(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`${name}: expected a number from 0 to 1, received ${String(value)}`);
}

export function createMistakeProfile(situations: readonly string[], seed: number, options: MistakeOptions): MistakeProfile {
  const { mistakeRate, recoveryRate = 0.3, blindSpots = 1, blindSpotRate = 0.7, prematureShare = 0.3 } = options;
  checkRate('mistakeRate', mistakeRate);
  checkRate('recoveryRate', recoveryRate);
  checkRate('blindSpotRate', blindSpotRate);
  checkRate('prematureShare', prematureShare);
  if (!Number.isInteger(blindSpots) || blindSpots < 0 || blindSpots > situations.length) {
    throw new RangeError(`blindSpots: expected an integer from 0 to ${situations.length}, received ${String(blindSpots)}`);
  }
  const chosen = createSeededRandom(`blind-spots:${seed}:${situations.join(',')}`).shuffle(situations).slice(0, blindSpots);
  const ordinary = mistakeRate * (1 - prematureShare);
  return {
    wrongStepRate(situation: string): number {
      if (!situations.includes(situation)) {
        throw new Error(`mistake profile: unknown situation ${JSON.stringify(situation)}; expected one of ${situations.join(', ')}`);
      }
      return chosen.includes(situation) ? blindSpotRate : ordinary;
    },
    prematureRate: mistakeRate * prematureShare,
    recoveryRate,
    blindSpots: chosen,
  };
}
