// Keys and values of the positions already processed, per layer, so generation computes only new tokens.
import { Tensor } from '../tensor/tensor';
import type { DecoderConfig } from './model-config';

export class KeyValueCache {
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];
  private readonly width: number;
  /** Positions cached so far (shared by every sequence of the batch). */
  length = 0;
  private capacityValue: number;

  constructor(config: Pick<DecoderConfig, 'layerCount' | 'keyValueHeadCount' | 'headDimension'>, readonly batch: number, capacity: number) {
    this.capacityValue = capacity;
    this.width = config.keyValueHeadCount * config.headDimension;
    const size = batch * capacity * this.width;
    this.keys = Array.from({ length: config.layerCount }, () => new Float32Array(size));
    this.values = Array.from({ length: config.layerCount }, () => new Float32Array(size));
  }

  /**
   * Stores the new [batch, n, width] keys/values and returns the cached ones: [1, length + n, width] for one row,
   * [batch, capacity, width] for several (the attention's query offset keeps unfilled positions out of view).
   */
  append(layer: number, key: Tensor, value: Tensor): { key: Tensor; value: Tensor } {
    const added = key.shape[1];
    const total = this.length + added;
    if (total > this.capacityValue) throw new Error(`key-value cache holds ${this.capacity} positions; ${total} requested`);
    const gather = (store: Float32Array, fresh: Tensor): Tensor => {
      for (let row = 0; row < this.batch; row += 1) {
        store.set(fresh.data.subarray(row * added * this.width, (row + 1) * added * this.width), (row * this.capacityValue + this.length) * this.width);
      }
      if (this.batch === 1) return new Tensor(store.subarray(0, total * this.width), [1, total, this.width]);
      // Rows are `capacity` long: hand attention the whole buffer rather than copying the filled part of each row;
      // positions past the cached length lie beyond every query's causal limit and are never attended.
      return new Tensor(store, [this.batch, this.capacityValue, this.width]);
    };
    return { key: gather(this.keys[layer], key), value: gather(this.values[layer], value) };
  }

  get capacity(): number {
    return this.capacityValue;
  }

  /** Floats each cached position takes over all layers, keys and values (one row). */
  get floatsPerPosition(): number {
    return 2 * this.keys.length * this.width;
  }

  /**
   * Makes room for `capacity` positions in a one-row cache, keeping what it holds: a sequence that goes on for
   * another turn grows its cache instead of starting over. Grows at least by half, so appends stay amortized.
   */
  reserve(capacity: number): void {
    if (capacity <= this.capacityValue) return;
    if (this.batch !== 1) throw new Error(`key-value cache: only a one-row cache can grow; this one has ${this.batch} rows`);
    const size = Math.max(capacity, Math.ceil(this.capacityValue * 1.5));
    const filled = this.length * this.width;
    for (let layer = 0; layer < this.keys.length; layer += 1) {
      const keys = new Float32Array(size * this.width);
      const values = new Float32Array(size * this.width);
      keys.set(this.keys[layer].subarray(0, filled));
      values.set(this.values[layer].subarray(0, filled));
      this.keys[layer] = keys;
      this.values[layer] = values;
    }
    this.capacityValue = size;
  }

  /** Forgets every position from `length` on (their slots are overwritten by the next appends). */
  truncate(length: number): void {
    if (!Number.isInteger(length) || length < 0 || length > this.length) throw new Error(`key-value cache: cannot truncate ${this.length} positions to ${length}`);
    this.length = length;
  }

  /** Copies the first `length` positions of another one-row cache of the same model over this one's. */
  copyPrefix(source: KeyValueCache, length: number): void {
    if (this.batch !== 1 || source.batch !== 1 || source.width !== this.width || source.keys.length !== this.keys.length) {
      throw new Error('key-value cache: a prefix copies only between one-row caches of the same shape');
    }
    if (length > source.length) throw new Error(`key-value cache: the source holds ${source.length} positions; ${length} requested`);
    this.reserve(length);
    const filled = length * this.width;
    for (let layer = 0; layer < this.keys.length; layer += 1) {
      this.keys[layer].set(source.keys[layer].subarray(0, filled));
      this.values[layer].set(source.values[layer].subarray(0, filled));
    }
    this.length = length;
  }

  advance(count: number): void {
    this.length += count;
  }

  /**
   * A `batch`-row cache whose every row holds this one-row cache's positions: samples of one prompt share its
   * prefill, computed once, instead of each row recomputing the same keys and values.
   */
  replicate(batch: number): KeyValueCache {
    if (this.batch !== 1) throw new Error(`key-value cache: only a one-row cache can be replicated; this one has ${this.batch} rows`);
    const copy = new KeyValueCache({ layerCount: this.keys.length, keyValueHeadCount: 1, headDimension: this.width }, batch, this.capacity);
    const filled = this.length * this.width;
    for (let layer = 0; layer < this.keys.length; layer += 1) {
      for (let row = 0; row < batch; row += 1) {
        copy.keys[layer].set(this.keys[layer].subarray(0, filled), row * this.capacityValue * this.width);
        copy.values[layer].set(this.values[layer].subarray(0, filled), row * this.capacityValue * this.width);
      }
    }
    copy.length = this.length;
    return copy;
  }
}
