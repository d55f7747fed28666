// Key-value caches of finished sequences, kept so a call whose prompt extends one (an episode's next turn) skips its prefill.
import { KeyValueCache } from '../model/key-value-cache';
import type { DecoderConfig } from '../model/model-config';
import type { Device } from '../tensor/device';

export interface CachedTokens {
  cache: KeyValueCache | null;
  /** The tokens whose keys and values the cache holds, in order. */
  fed: readonly number[];
}

export interface PrefixDonor {
  source: CachedTokens;
  /** Leading prompt tokens the source already holds. */
  length: number;
  /** Whether the source sits in the pool (taken over) rather than being a live sequence (copied). */
  pooled: boolean;
}

/** How many leading tokens two sequences share, counting at most `limit`. */
export function commonPrefixLength(left: readonly number[], right: readonly number[], limit: number): number {
  const bound = Math.min(left.length, right.length, limit);
  let length = 0;
  while (length < bound && left[length] === right[length]) length += 1;
  return length;
}

/**
 * Keys and values depend only on the tokens at and before their position, so a cache holding a prompt's first n
 * tokens serves any prompt that starts with them. The pool keeps the most recently finished caches within a byte
 * budget; the oldest go first.
 */
export class PrefixPool {
  private entries: CachedTokens[] = [];
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  keep(cache: KeyValueCache, fed: readonly number[]): void {
    if (this.budgetBytes <= 0 || fed.length === 0) return;
    this.entries.push({ cache, fed });
    this.bytes += sizeOf(cache);
    while (this.bytes > this.budgetBytes && this.entries.length > 0) {
      const evicted = this.entries.shift()!.cache!;
      this.bytes -= sizeOf(evicted);
      evicted.release();
    }
  }

  clear(): void {
    for (const entry of this.entries) entry.cache?.release();
    this.entries = [];
    this.bytes = 0;
  }

  /** The pooled or live cache sharing the most leading tokens with `prompt` (at most `limit`); null when none shares any. */
  findLongestPrefix(prompt: readonly number[], limit: number, live: readonly CachedTokens[]): PrefixDonor | null {
    let best: PrefixDonor | null = null;
    const consider = (source: CachedTokens, pooled: boolean): void => {
      if (!source.cache) return;
      const length = commonPrefixLength(source.fed, prompt, limit);
      if (length > 0 && (!best || length > best.length)) best = { source, length, pooled };
    };
    // Newest first: among equal prefixes the most recent cache wins.
    for (let index = this.entries.length - 1; index >= 0; index -= 1) consider(this.entries[index], true);
    for (const entry of live) consider(entry, false);
    return best;
  }

  /** A cache of `capacity` positions holding the donor's prefix: a pooled donor is taken over, a live one copied. */
  takeCache(donor: PrefixDonor | null, capacity: number, config: Pick<DecoderConfig, 'layerCount' | 'keyValueHeadCount' | 'headDimension'>, device: Device = 'cpu'): KeyValueCache {
    if (donor && donor.pooled) {
      const index = this.entries.indexOf(donor.source);
      this.entries.splice(index, 1);
      const cache = donor.source.cache!;
      this.bytes -= sizeOf(cache);
      cache.truncate(donor.length);
      cache.reserve(capacity);
      return cache;
    }
    const cache = new KeyValueCache(config, 1, capacity, device);
    if (donor) cache.copyPrefix(donor.source.cache!, donor.length);
    return cache;
  }
}

function sizeOf(cache: KeyValueCache): number {
  return cache.floatsPerPosition * cache.capacity * 4;
}
