// Where a tensor's values live: host memory (the CPU backends) or a device table (CUDA, or its host emulation).
import type { KernelBackend } from './kernels';
import { getBackend } from './backend';

/** Bytes that crossed between host and device, by direction and kind (float values, or integer ids/positions/masks). */
export interface TransferCounts {
  uploads: number;
  uploadBytes: number;
  downloads: number;
  downloadBytes: number;
  /** Integer inputs to kernels (token ids, targets, positions, key masks), uploaded once per array. */
  indexUploads: number;
  indexBytes: number;
}

export interface DeviceMemory {
  /** Bytes held by live buffers. */
  currentBytes: number;
  /** The most `currentBytes` has been. */
  peakBytes: number;
  /** Bytes the allocator holds from the device, live or cached for reuse. */
  reservedBytes: number;
  /** Allocations served from the cache instead of the device. */
  reusedAllocations: number;
  allocations: number;
}

/** The kernel interface over device buffers, plus what only a device has: scopes, memory and transfer counts. */
export interface DeviceTable extends KernelBackend<DeviceBuffer> {
  /** 'cuda:0', 'emulated:0'. */
  readonly deviceName: string;
  /** Runs `compute` so that the transient buffers it allocates are released when it returns. */
  withScope<T>(compute: () => T): T;
  /** Moves a transient buffer from the innermost scope to the enclosing one, so a scope can return it. */
  promote(buffer: DeviceBuffer): void;
  /** Returns a persistent buffer to the allocator; a later use of it is an error. */
  release(buffer: DeviceBuffer): void;
  memory(): DeviceMemory;
  transfers(): TransferCounts;
  /** Blocks until queued work is done (timing); a no-op where calls complete synchronously. */
  synchronize(): void;
  /** bf16 bits kept on the device (frozen base weights). */
  uploadBfloat16(bits: Uint16Array): DeviceBuffer;
  /** out[m, rows] = x[m, k] · W[firstRow : firstRow + rows, k]ᵀ for a bf16 W of `columns` = k; accumulate adds into out. */
  gemmBfloat16Weight(args: Bfloat16GemmArgs): void;
  /** out[t] = W[ids[t]] for a bf16 [vocab, dim] table. */
  embeddingBfloat16(weight: DeviceBuffer, ids: Int32Array, dim: number, out: DeviceBuffer): void;
}

/** x·Wᵀ (forward) or dY·W (backward, transposeWeight false) with a frozen bf16 W [outputs, inputs]. */
export interface Bfloat16GemmArgs {
  /** True for y = x·Wᵀ ([m, inputs] → [m, outputs]); false for dX += dY·W ([m, outputs] → [m, inputs]). */
  transposeWeight: boolean;
  m: number;
  outputs: number;
  inputs: number;
  x: DeviceBuffer;
  weight: DeviceBuffer;
  out: DeviceBuffer;
  accumulate: boolean;
}

/** A run of `length` values in one device allocation (`handle`), from `offset`; views share the handle. */
export class DeviceBuffer {
  constructor(
    readonly table: DeviceTable,
    readonly handle: number,
    readonly offset: number,
    readonly length: number,
    readonly dtype: 'float32' | 'bfloat16' = 'float32',
  ) {}
}

export type Buffer = Float32Array | DeviceBuffer;
export type Device = 'cpu' | DeviceTable;

export function deviceOf(buffer: Buffer): Device {
  return buffer instanceof DeviceBuffer ? buffer.table : 'cpu';
}

export function nameOfDevice(device: Device): string {
  return device === 'cpu' ? 'cpu' : device.deviceName;
}

/** The kernels that run where `buffer` lives. */
export function kernelsOfBuffer(buffer: Buffer): KernelBackend<Buffer> {
  return (buffer instanceof DeviceBuffer ? buffer.table : getBackend()) as KernelBackend<Buffer>;
}

/** The kernels of a device (the selected CPU backend for 'cpu'). */
export function kernelsOfDevice(device: Device): KernelBackend<Buffer> {
  return (device === 'cpu' ? getBackend() : device) as KernelBackend<Buffer>;
}

/** Runs `compute` in a scope of `device` (transient device buffers released at its end); plain call on the host. */
export function withDeviceScope<T>(device: Device, compute: () => T): T {
  return device === 'cpu' ? compute() : device.withScope(compute);
}
