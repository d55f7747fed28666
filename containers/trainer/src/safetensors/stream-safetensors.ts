// Reads a safetensors file tensor by tensor through ranged reads, so only the kept tensors ever sit in memory;
// bf16 tensors may stay as their 16-bit bits. Sources without ranged reads fall back to the whole file.
import { bfloat16ToFloat32 } from './bfloat16';
import { checkEntry, decode, parseHeader } from './read-safetensors';
import { bytesPerElement, countElements, ReadableDtype, SafetensorsError } from './safetensors-types';

/** One tensor as loaded: float32 values, or bf16 bits when the caller keeps them. */
export interface CheckpointTensor {
  shape: number[];
  dtype: ReadableDtype;
  data: Float32Array | null;
  bits: Uint16Array | null;
}

export interface RandomAccessFile {
  readonly size: number;
  /** Fills `target` with the bytes at `position`. */
  read(target: Uint8Array, position: number): Promise<void>;
  close(): Promise<void>;
}

export interface StreamOptions {
  /** Tensors to load (others are skipped without being read). */
  wanted(name: string): boolean;
  /** Whether a BF16 tensor stays as bits. */
  keepBfloat16(name: string, shape: readonly number[]): boolean;
}

function toFloat32Bits(bits: Uint16Array): Float32Array {
  const output = new Float32Array(bits.length);
  for (let index = 0; index < bits.length; index += 1) output[index] = bfloat16ToFloat32(bits[index]);
  return output;
}

async function readEntries(header: Record<string, unknown>, dataStart: number, fileSize: number, label: string, options: StreamOptions, readBytes: (target: Uint8Array, position: number) => Promise<void>): Promise<Map<string, CheckpointTensor>> {
  const tensors = new Map<string, CheckpointTensor>();
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__' || !options.wanted(name)) continue;
    const entry = checkEntry(name, value, label);
    const count = countElements(entry.shape);
    const [begin, end] = entry.data_offsets;
    const expectedBytes = count * bytesPerElement(entry.dtype);
    if (end - begin !== expectedBytes || dataStart + end > fileSize) {
      throw new SafetensorsError(`${label}: tensor ${name}: expected ${expectedBytes} bytes for shape [${entry.shape}] ${entry.dtype}, received offsets [${begin}, ${end}] in a ${fileSize}-byte file`);
    }
    const shape = [...entry.shape];
    if (entry.dtype === 'BF16') {
      const bits = new Uint16Array(count);
      await readBytes(new Uint8Array(bits.buffer), dataStart + begin);
      const keep = options.keepBfloat16(name, shape);
      tensors.set(name, { shape, dtype: 'BF16', data: keep ? null : toFloat32Bits(bits), bits: keep ? bits : null });
    } else {
      const bytes = Buffer.alloc(expectedBytes);
      await readBytes(bytes, dataStart + begin);
      tensors.set(name, { shape, dtype: entry.dtype, data: decode(bytes, entry.dtype, count), bits: null });
    }
  }
  return tensors;
}

/** Reads the wanted tensors of one file: ranged reads through `file`, or slices of `buffer`. */
export async function streamSafetensors(source: { file: RandomAccessFile } | { buffer: Buffer }, label: string, options: StreamOptions): Promise<Map<string, CheckpointTensor>> {
  if ('buffer' in source) {
    const { buffer } = source;
    const { header, dataStart } = parseHeader(buffer, label);
    return readEntries(header, dataStart, buffer.length, label, options, async (target, position) => {
      target.set(buffer.subarray(position, position + target.length));
    });
  }
  const { file } = source;
  const lengthBytes = Buffer.alloc(8);
  if (file.size < 8) throw new SafetensorsError(`${label}: expected at least 8 bytes (header length), received ${file.size}`);
  await file.read(lengthBytes, 0);
  const headerLength = Number(lengthBytes.readBigUInt64LE(0));
  if (headerLength > file.size - 8) throw new SafetensorsError(`${label}: header length ${headerLength} exceeds the file size ${file.size}`);
  const headerBytes = Buffer.alloc(8 + headerLength);
  await file.read(headerBytes, 0);
  const { header, dataStart } = parseHeader(headerBytes, label);
  return readEntries(header, dataStart, file.size, label, options, (target, position) => file.read(target, position));
}
