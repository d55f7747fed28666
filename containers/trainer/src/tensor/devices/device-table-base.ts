// What every device table shares: buffer handles over a caching allocator, scopes that release transient buffers,
// release of forgotten buffers when they are garbage-collected, and counts of every host-device transfer.
import { DeviceBuffer, type DeviceMemory, type TransferCounts } from '../device';
import type { BufferLifetime } from '../kernels';
import { CachingAllocator, type MemoryBacking } from './caching-allocator';

interface Allocation {
  /** The allocator's block; handles are never reused, blocks are. */
  block: number;
  bytes: number;
  live: boolean;
  /** DeviceBuffer objects (the buffer and its views) not yet garbage-collected. */
  references: number;
}

export abstract class DeviceTableBase {
  abstract readonly deviceName: string;
  protected readonly allocator: CachingAllocator;
  private readonly allocations = new Map<number, Allocation>();
  private readonly scopes: number[][] = [];
  private readonly counts: TransferCounts = { uploads: 0, uploadBytes: 0, downloads: 0, downloadBytes: 0, indexUploads: 0, indexBytes: 0 };
  private readonly seenIndices = new WeakSet<object>();
  private nextHandle = 1;
  private readonly collected = new FinalizationRegistry<number>((handle) => this.dropReference(handle));

  constructor(backing: MemoryBacking) {
    this.allocator = new CachingAllocator(backing);
  }

  /** A new zero-filled buffer; transient buffers made inside withScope are released when that scope ends. */
  protected allocateBuffer(length: number, lifetime: BufferLifetime, dtype: 'float32' | 'bfloat16' = 'float32'): DeviceBuffer {
    const bytes = length * (dtype === 'float32' ? 4 : 2);
    const block = this.allocator.allocate(bytes);
    const handle = this.nextHandle++;
    this.allocations.set(handle, { block, bytes, live: true, references: 0 });
    this.clear(block, bytes);
    const scope = this.scopes[this.scopes.length - 1];
    if (lifetime === 'transient' && scope) scope.push(handle);
    return this.wrap(handle, 0, length, dtype);
  }

  view(buffer: DeviceBuffer, offset: number, length: number): DeviceBuffer {
    this.check(buffer);
    if (offset < 0 || length < 0 || offset + length > buffer.length) throw new Error(`device view [${offset}, ${offset + length}) is outside a buffer of ${buffer.length} values`);
    return this.wrap(buffer.handle, buffer.offset + offset, length, buffer.dtype);
  }

  /**
   * Transient buffers allocated while `compute` runs are released when it returns, or when its promise settles (a
   * training step awaits sampling and judging; synchronous scopes opened meanwhile, such as decode steps, nest inside).
   */
  withScope<T>(compute: () => T): T {
    const scope: number[] = [];
    this.scopes.push(scope);
    const close = (): void => {
      this.scopes.splice(this.scopes.lastIndexOf(scope), 1);
      for (const handle of scope) this.releaseHandle(handle);
    };
    let result: T;
    try {
      result = compute();
    } catch (error) {
      close();
      throw error;
    }
    if (result instanceof Promise) return result.finally(close) as T;
    close();
    return result;
  }

  /** Hands a transient buffer from the innermost scope to the enclosing one (or to none), so it outlives the inner scope. */
  promote(buffer: DeviceBuffer): void {
    this.check(buffer);
    const inner = this.scopes[this.scopes.length - 1];
    const index = inner ? inner.indexOf(buffer.handle) : -1;
    if (index < 0) return;
    inner.splice(index, 1);
    this.scopes[this.scopes.length - 2]?.push(buffer.handle);
  }

  release(buffer: DeviceBuffer): void {
    this.releaseHandle(buffer.handle);
  }

  memory(): DeviceMemory {
    return this.allocator.stats();
  }

  transfers(): TransferCounts {
    return { ...this.counts };
  }

  /** The allocator block behind a buffer; throws where it was released or belongs to another table. */
  protected blockOf(buffer: DeviceBuffer): number {
    this.check(buffer);
    return this.allocations.get(buffer.handle)!.block;
  }

  protected check(buffer: DeviceBuffer): void {
    if ((buffer.table as unknown) !== this) throw new Error(`a buffer of ${buffer.table.deviceName} was passed to ${this.deviceName}`);
    const allocation = this.allocations.get(buffer.handle);
    if (!allocation || !allocation.live) {
      throw new Error(`${this.deviceName}: a buffer was used after its device scope ended or it was released; allocate what must outlive a step as 'persistent'`);
    }
  }

  protected countUpload(bytes: number): void {
    this.counts.uploads += 1;
    this.counts.uploadBytes += bytes;
  }

  protected countDownload(bytes: number): void {
    this.counts.downloads += 1;
    this.counts.downloadBytes += bytes;
  }

  /** Integer kernel inputs cross once per array: the table keeps what it has seen (layers reuse one positions array). */
  protected countIndices(values: Int32Array | Uint8Array | null | undefined): void {
    if (!values || this.seenIndices.has(values)) return;
    this.seenIndices.add(values);
    this.counts.indexUploads += 1;
    this.counts.indexBytes += values.byteLength;
  }

  /** Zero-fills a freshly allocated (possibly reused) block. */
  protected abstract clear(block: number, bytes: number): void;

  private wrap(handle: number, offset: number, length: number, dtype: 'float32' | 'bfloat16'): DeviceBuffer {
    const buffer = new DeviceBuffer(this as unknown as DeviceBuffer['table'], handle, offset, length, dtype);
    this.allocations.get(handle)!.references += 1;
    this.collected.register(buffer, handle);
    return buffer;
  }

  private dropReference(handle: number): void {
    const allocation = this.allocations.get(handle);
    if (!allocation) return;
    allocation.references -= 1;
    if (allocation.references > 0) return;
    if (allocation.live) this.releaseHandle(handle);
    this.allocations.delete(handle);
  }

  private releaseHandle(handle: number): void {
    const allocation = this.allocations.get(handle);
    if (!allocation || !allocation.live) return;
    allocation.live = false;
    this.allocator.free(allocation.block);
    if (allocation.references === 0) this.allocations.delete(handle);
  }
}
