// Stable content hashes for cache keys, dedupe and deterministic splits.
import { createHash } from 'node:crypto';

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hash of a JSON value; callers pass plain data (arrays, objects with a fixed key order). */
export function hashJson(value: unknown): string {
  return hashText(JSON.stringify(value));
}

/** A number in [0, 1) derived from a string: the same id always lands on the same side of a split. */
export function hashToUnitInterval(text: string): number {
  return parseInt(hashText(text).slice(0, 12), 16) / 2 ** 48;
}
