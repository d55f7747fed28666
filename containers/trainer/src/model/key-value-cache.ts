// Keys and values of the positions already processed, per layer, so generation computes only new tokens.
import { Tensor } from '../tensor/tensor';
import type { DecoderConfig } from './model-config';

export class KeyValueCache {
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];
  private readonly width: number;
  /** Positions cached so far (shared by every sequence of the batch). */
  length = 0;

  constructor(config: Pick<DecoderConfig, 'layerCount' | 'keyValueHeadCount' | 'headDimension'>, readonly batch: number, readonly capacity: number) {
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
    if (total > this.capacity) throw new Error(`key-value cache holds ${this.capacity} positions; ${total} requested`);
    const gather = (store: Float32Array, fresh: Tensor): Tensor => {
      for (let row = 0; row < this.batch; row += 1) {
        store.set(fresh.data.subarray(row * added * this.width, (row + 1) * added * this.width), (row * this.capacity + this.length) * this.width);
      }
      if (this.batch === 1) return new Tensor(store.subarray(0, total * this.width), [1, total, this.width]);
      // Rows are `capacity` long: hand attention the whole buffer rather than copying the filled part of each row;
      // positions past the cached length lie beyond every query's causal limit and are never attended.
      return new Tensor(store, [this.batch, this.capacity, this.width]);
    };
    return { key: gather(this.keys[layer], key), value: gather(this.values[layer], value) };
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
        copy.keys[layer].set(this.keys[layer].subarray(0, filled), row * this.capacity * this.width);
        copy.values[layer].set(this.values[layer].subarray(0, filled), row * this.capacity * this.width);
      }
    }
    copy.length = this.length;
    return copy;
  }
}
