// Parses a safetensors buffer into float32 tensors (F32, BF16 and F16 on disk).
import { bfloat16ToFloat32, float16ToFloat32 } from './bfloat16';
import {
  bytesPerElement, countElements, HeaderEntry, READABLE_DTYPES, ReadableDtype, SafetensorsError, TensorMap,
} from './safetensors-types';

export interface SafetensorsContents {
  tensors: TensorMap;
  metadata: Record<string, string>;
}

export function parseHeader(buffer: Buffer, label: string): { header: Record<string, unknown>; dataStart: number } {
  if (buffer.length < 8) throw new SafetensorsError(`${label}: expected at least 8 bytes (header length), received ${buffer.length}`);
  const headerLength = Number(buffer.readBigUInt64LE(0));
  if (headerLength > buffer.length - 8) {
    throw new SafetensorsError(`${label}: header length ${headerLength} exceeds the file size ${buffer.length}`);
  }
  let header: unknown;
  try {
    header = JSON.parse(buffer.subarray(8, 8 + headerLength).toString('utf8'));
  } catch (error) {
    throw new SafetensorsError(`${label}: header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new SafetensorsError(`${label}: expected a JSON object header, received ${JSON.stringify(header)?.slice(0, 80)}`);
  }
  return { header: header as Record<string, unknown>, dataStart: 8 + headerLength };
}

export function decode(bytes: Buffer, dtype: ReadableDtype, count: number): Float32Array {
  const output = new Float32Array(count);
  if (dtype === 'F32') {
    // Copy into a fresh, aligned buffer: the source offset need not be a multiple of 4.
    new Uint8Array(output.buffer).set(bytes.subarray(0, count * 4));
    return output;
  }
  const convert = dtype === 'BF16' ? bfloat16ToFloat32 : float16ToFloat32;
  for (let index = 0; index < count; index += 1) output[index] = convert(bytes.readUInt16LE(index * 2));
  return output;
}

export function checkEntry(name: string, value: unknown, label: string): HeaderEntry & { dtype: ReadableDtype } {
  const entry = value as Partial<HeaderEntry>;
  if (!entry || !Array.isArray(entry.shape) || !Array.isArray(entry.data_offsets) || entry.data_offsets.length !== 2) {
    throw new SafetensorsError(`${label}: tensor ${name}: expected {dtype, shape, data_offsets}, received ${JSON.stringify(value)}`);
  }
  if (!READABLE_DTYPES.includes(entry.dtype as ReadableDtype)) {
    throw new SafetensorsError(`${label}: tensor ${name}: expected dtype ${READABLE_DTYPES.join(' | ')}, received ${entry.dtype}`);
  }
  return entry as HeaderEntry & { dtype: ReadableDtype };
}

/** Reads every tensor (or only those `wanted` accepts) as float32. */
export function readSafetensors(buffer: Buffer, label = 'safetensors', wanted?: (name: string) => boolean): SafetensorsContents {
  const { header, dataStart } = parseHeader(buffer, label);
  const tensors: TensorMap = new Map();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    if (wanted && !wanted(name)) continue;
    const entry = checkEntry(name, value, label);
    const count = countElements(entry.shape);
    const [begin, end] = entry.data_offsets;
    const expectedBytes = count * bytesPerElement(entry.dtype);
    if (end - begin !== expectedBytes || dataStart + end > buffer.length) {
      throw new SafetensorsError(`${label}: tensor ${name}: expected ${expectedBytes} bytes for shape [${entry.shape}] ${entry.dtype}, received offsets [${begin}, ${end}] in a ${buffer.length}-byte file`);
    }
    tensors.set(name, { shape: [...entry.shape], data: decode(buffer.subarray(dataStart + begin, dataStart + end), entry.dtype, count) });
  }
  return { tensors, metadata };
}
