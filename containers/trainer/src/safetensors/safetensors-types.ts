// Types of the safetensors format: a u64 LE header length, a JSON header, raw little-endian tensor data.

export const READABLE_DTYPES = ['F32', 'BF16', 'F16'] as const;
export type ReadableDtype = (typeof READABLE_DTYPES)[number];
export const WRITABLE_DTYPES = ['F32', 'BF16'] as const;
export type WritableDtype = (typeof WRITABLE_DTYPES)[number];

/** One tensor in memory: always float32 values, whatever the dtype on disk. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export type TensorMap = Map<string, NamedTensor>;

export interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

export function bytesPerElement(dtype: ReadableDtype): number {
  return dtype === 'F32' ? 4 : 2;
}

export function countElements(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}
