// The caching allocator: size classes, reuse after free, current/peak bytes, and recovery from a full device.
import { CachingAllocator, sizeClassOf } from '../../../containers/trainer/src/tensor/devices/caching-allocator';

function createBacking(capacity: number) {
  let reserved = 0;
  let next = 1;
  const sizes = new Map<number, number>();
  return {
    reserved: () => reserved,
    reserve(bytes: number): number | null {
      if (reserved + bytes > capacity) return null;
      reserved += bytes;
      sizes.set(next, bytes);
      return next++;
    },
    unreserve(id: number): void {
      reserved -= sizes.get(id)!;
      sizes.delete(id);
    },
  };
}

describe('CachingAllocator', () => {
  it('rounds requests to 512-byte classes below 1 MiB and 2 MiB classes above', () => {
    expect(sizeClassOf(1)).toBe(512);
    expect(sizeClassOf(512)).toBe(512);
    expect(sizeClassOf(513)).toBe(1024);
    expect(sizeClassOf((1 << 20) + 1)).toBe(2 << 20);
    expect(sizeClassOf(5 << 20)).toBe(6 << 20);
  });

  it('serves a freed block of the same class again and counts current and peak bytes', () => {
    const backing = createBacking(1 << 30);
    const allocator = new CachingAllocator(backing);
    const first = allocator.allocate(1000);
    const second = allocator.allocate(3000);
    expect(allocator.stats()).toMatchObject({ currentBytes: 1024 + 3072, peakBytes: 1024 + 3072, reservedBytes: 4096, allocations: 2, reusedAllocations: 0 });
    allocator.free(first);
    expect(allocator.allocate(900)).toBe(first);
    allocator.free(second);
    expect(allocator.stats()).toMatchObject({ currentBytes: 1024, peakBytes: 4096, reservedBytes: 4096, reusedAllocations: 1 });
    expect(() => allocator.free(second)).toThrow(/not allocated/);
  });

  it('gives cached blocks back when the device is full, and names the figures when that is not enough', () => {
    const backing = createBacking(4096);
    const allocator = new CachingAllocator(backing);
    allocator.free(allocator.allocate(3000));
    // 3072 bytes sit in the cache; a 2048-byte request only fits once they are returned.
    const block = allocator.allocate(2048);
    expect(backing.reserved()).toBe(2048);
    expect(() => allocator.allocate(4000)).toThrow(/device out of memory: 4096 bytes requested with 2048 in use and 2048 reserved/);
    allocator.free(block);
  });
});
