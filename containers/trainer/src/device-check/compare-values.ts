// How far a device's values are from the reference's: the largest absolute and the largest scaled difference.

export interface Difference {
  maxAbsoluteError: number;
  /** max |a − b| / (1 + |b|): absolute near zero, relative for large values. */
  maxScaledError: number;
}

export const NO_DIFFERENCE: Difference = { maxAbsoluteError: 0, maxScaledError: 0 };

export function compareValues(actual: ArrayLike<number>, expected: ArrayLike<number>): Difference {
  if (actual.length !== expected.length) throw new Error(`compared ${actual.length} values with ${expected.length} expected`);
  let maxAbsoluteError = 0;
  let maxScaledError = 0;
  for (let index = 0; index < expected.length; index += 1) {
    const difference = Math.abs(actual[index] - expected[index]);
    // A NaN on either side is an infinite error, not a silently skipped value.
    const absolute = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference;
    maxAbsoluteError = Math.max(maxAbsoluteError, absolute);
    maxScaledError = Math.max(maxScaledError, absolute / (1 + Math.abs(expected[index])));
  }
  return { maxAbsoluteError, maxScaledError };
}

export function combineDifferences(differences: readonly Difference[]): Difference {
  return differences.reduce((worst, next) => ({
    maxAbsoluteError: Math.max(worst.maxAbsoluteError, next.maxAbsoluteError),
    maxScaledError: Math.max(worst.maxScaledError, next.maxScaledError),
  }), NO_DIFFERENCE);
}

/** Normal(0, 1) values from a seeded generator (xorshift and Box-Muller: the same values on every machine). */
export function drawNormal(length: number, seed: number, scale = 1): Float32Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  const values = new Float32Array(length);
  for (let index = 0; index < length; index += 1) values[index] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) * scale;
  return values;
}
