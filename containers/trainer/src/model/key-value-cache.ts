// Keys and values of the positions already processed, per layer, so generation computes only new tokens.
import { kernelsOfDevice, type Buffer, type Device } from '../tensor/device';
import type { KernelBackend } from '../tensor/kernels';
import { Tensor } from '../tensor/tensor';
import type { DecoderConfig } from './model-config';

type CacheShape = Pick<DecoderConfig, 'layerCount' | 'keyValueHeadCount' | 'headDimension'>;

/**
 * One store per layer for keys and one for values, [batch, capacity, width], where the model's weights live: on a
 * device the cache stays there for the whole generation (its buffers are persistent; release() hands them back).
 */
export class KeyValueCache {
  private keys: Buffer[];
  private values: Buffer[];
  private readonly width: number;
  private readonly kernels: KernelBackend<Buffer>;
  /** Positions cached so far (shared by every sequence of the batch). */
  length = 0;
  private capacityValue: number;

  constructor(config: CacheShape, readonly batch: number, capacity: number, readonly device: Device = 'cpu') {
    this.capacityValue = capacity;
    this.width = config.keyValueHeadCount * config.headDimension;
    this.kernels = kernelsOfDevice(device);
    const size = batch * capacity * this.width;
    this.keys = Array.from({ length: config.layerCount }, () => this.kernels.allocate(size, 'persistent'));
    this.values = Array.from({ length: config.layerCount }, () => this.kernels.allocate(size, 'persistent'));
  }

  /**
   * Stores the new [batch, n, width] keys/values and returns the cached ones: [1, length + n, width] for one row,
   * [batch, capacity, width] for several (the attention's query offset keeps unfilled positions out of view).
   */
  append(layer: number, key: Tensor, value: Tensor): { key: Tensor; value: Tensor } {
    const added = key.shape[1];
    const total = this.length + added;
    if (total > this.capacityValue) throw new Error(`key-value cache holds ${this.capacity} positions; ${total} requested`);
    const gather = (store: Buffer, fresh: Tensor): Tensor => {
      this.copyRows(fresh.buffer, 0, added, store, this.length, this.capacityValue, this.batch, added);
      if (this.batch === 1) return new Tensor(this.kernels.view(store, 0, total * this.width), [1, total, this.width]);
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
    const grow = (stores: Buffer[]): Buffer[] =>
      stores.map((store) => {
        const grown = this.kernels.allocate(size * this.width, 'persistent');
        this.copyRows(store, 0, this.length, grown, 0, size, 1, this.length);
        this.releaseBuffer(store);
        return grown;
      });
    this.keys = grow(this.keys);
    this.values = grow(this.values);
    this.capacityValue = size;
  }

  /** Forgets every position from `length` on (their slots are overwritten by the next appends). */
  truncate(length: number): void {
    if (!Number.isInteger(length) || length < 0 || length > this.length) throw new Error(`key-value cache: cannot truncate ${this.length} positions to ${length}`);
    this.length = length;
  }

  /** Copies the first `length` positions of another one-row cache of the same model over this one's. */
  copyPrefix(source: KeyValueCache, length: number): void {
    if (this.batch !== 1 || source.batch !== 1 || source.width !== this.width || source.keys.length !== this.keys.length || source.device !== this.device) {
      throw new Error('key-value cache: a prefix copies only between one-row caches of the same shape on the same device');
    }
    if (length > source.length) throw new Error(`key-value cache: the source holds ${source.length} positions; ${length} requested`);
    this.reserve(length);
    for (let layer = 0; layer < this.keys.length; layer += 1) {
      this.copyRows(source.keys[layer], 0, length, this.keys[layer], 0, this.capacityValue, 1, length);
      this.copyRows(source.values[layer], 0, length, this.values[layer], 0, this.capacityValue, 1, length);
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
    const copy = new KeyValueCache({ layerCount: this.keys.length, keyValueHeadCount: 1, headDimension: this.width }, batch, this.capacity, this.device);
    for (let layer = 0; layer < this.keys.length; layer += 1) {
      // Source stride 0: the one row is read again for every target row.
      this.kernels.copyBlocks({ source: this.keys[layer], sourceOffset: 0, sourceStride: 0, target: copy.keys[layer], targetOffset: 0, targetStride: this.capacityValue * this.width, blockLength: this.length * this.width, blocks: batch, accumulate: false });
      this.kernels.copyBlocks({ source: this.values[layer], sourceOffset: 0, sourceStride: 0, target: copy.values[layer], targetOffset: 0, targetStride: this.capacityValue * this.width, blockLength: this.length * this.width, blocks: batch, accumulate: false });
    }
    copy.length = this.length;
    return copy;
  }

  /** Hands the stores back to the device's allocator (nothing to do on the host); the cache is unusable afterwards. */
  release(): void {
    for (const store of [...this.keys, ...this.values]) this.releaseBuffer(store);
    this.keys = [];
    this.values = [];
  }

  /** Copies `positions` positions of each of `rows` rows: from rows of `sourceRowLength` positions into rows of `targetRowLength`. */
  private copyRows(source: Buffer, sourceStart: number, sourceRowLength: number, target: Buffer, targetStart: number, targetRowLength: number, rows: number, positions: number): void {
    if (positions === 0) return;
    this.kernels.copyBlocks({
      source, sourceOffset: sourceStart * this.width, sourceStride: sourceRowLength * this.width,
      target, targetOffset: targetStart * this.width, targetStride: targetRowLength * this.width,
      blockLength: positions * this.width, blocks: rows, accumulate: false,
    });
  }

  private releaseBuffer(buffer: Buffer): void {
    if (this.device !== 'cpu') this.device.release(buffer as Exclude<Buffer, Float32Array>);
  }
}
