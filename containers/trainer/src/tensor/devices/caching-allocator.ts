// A caching allocator for device memory: sizes rounded to classes, freed blocks kept for reuse, current/peak bytes counted.
// One stream orders every kernel, so a block freed by the host can be handed out again at once: work queued on the
// old owner runs before any work of the new one.

/** Where the allocator gets memory: the CUDA driver, or host memory for the emulated table. */
export interface MemoryBacking {
  /** Reserves `bytes`; returns an id, or null when the device is out of memory. */
  reserve(bytes: number): number | null;
  unreserve(id: number): void;
}

const SMALL_LIMIT = 1 << 20;
const SMALL_GRANULE = 512;
const LARGE_GRANULE = 2 << 20;

/** The size class a request is served from: 512-byte steps up to 1 MiB, 2 MiB steps above. */
export function sizeClassOf(bytes: number): number {
  const requested = Math.max(bytes, 1);
  const granule = requested <= SMALL_LIMIT ? SMALL_GRANULE : LARGE_GRANULE;
  return Math.ceil(requested / granule) * granule;
}

export interface AllocatorStatistics {
  currentBytes: number;
  peakBytes: number;
  reservedBytes: number;
  allocations: number;
  reusedAllocations: number;
}

export class CachingAllocator {
  private readonly cached = new Map<number, number[]>();
  private readonly classOfBlock = new Map<number, number>();
  private readonly statistics: AllocatorStatistics = { currentBytes: 0, peakBytes: 0, reservedBytes: 0, allocations: 0, reusedAllocations: 0 };

  constructor(private readonly backing: MemoryBacking) {}

  /** A block of at least `bytes` (its id is the backing's id); throws with the figures when the device is full. */
  allocate(bytes: number): number {
    const sizeClass = sizeClassOf(bytes);
    this.statistics.allocations += 1;
    let block = this.cached.get(sizeClass)?.pop();
    if (block !== undefined) this.statistics.reusedAllocations += 1;
    else block = this.reserveFresh(sizeClass);
    this.classOfBlock.set(block, sizeClass);
    this.statistics.currentBytes += sizeClass;
    this.statistics.peakBytes = Math.max(this.statistics.peakBytes, this.statistics.currentBytes);
    return block;
  }

  free(block: number): void {
    const sizeClass = this.classOfBlock.get(block);
    if (sizeClass === undefined) throw new Error(`caching allocator: block ${block} is not allocated (freed twice?)`);
    this.classOfBlock.delete(block);
    this.statistics.currentBytes -= sizeClass;
    const list = this.cached.get(sizeClass);
    if (list) list.push(block);
    else this.cached.set(sizeClass, [block]);
  }

  /** Bytes of the block's size class. */
  sizeOfBlock(block: number): number {
    const sizeClass = this.classOfBlock.get(block);
    if (sizeClass === undefined) throw new Error(`caching allocator: block ${block} is not allocated`);
    return sizeClass;
  }

  /** Gives every cached (free) block back to the device. */
  emptyCache(): void {
    for (const [sizeClass, blocks] of this.cached) {
      for (const block of blocks) {
        this.backing.unreserve(block);
        this.statistics.reservedBytes -= sizeClass;
      }
    }
    this.cached.clear();
  }

  stats(): AllocatorStatistics {
    return { ...this.statistics };
  }

  private reserveFresh(sizeClass: number): number {
    let block = this.backing.reserve(sizeClass);
    if (block === null) {
      // Cached blocks of other classes may be what stands between this request and success.
      this.emptyCache();
      block = this.backing.reserve(sizeClass);
    }
    if (block === null) {
      throw new Error(`device out of memory: ${sizeClass} bytes requested with ${this.statistics.currentBytes} in use and ${this.statistics.reservedBytes} reserved`);
    }
    this.statistics.reservedBytes += sizeClass;
    return block;
  }
}
