// Serializes float32 tensors to a safetensors buffer (F32 exact, or BF16 rounded to nearest even).
import { float32ToBfloat16 } from './bfloat16';
import { SafetensorsError, TensorMap, WritableDtype, countElements } from './safetensors-types';

export interface WriteOptions {
  dtype?: WritableDtype;
  metadata?: Record<string, string>;
}

/** Tensors are written in name order, so equal inputs give byte-identical files. */
export function writeSafetensors(tensors: TensorMap, options: WriteOptions = {}): Buffer {
  const dtype = options.dtype ?? 'F32';
  const width = dtype === 'F32' ? 4 : 2;
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  let offset = 0;
  for (const name of names) {
    const tensor = tensors.get(name)!;
    if (countElements(tensor.shape) !== tensor.data.length) {
      throw new SafetensorsError(`tensor ${name}: shape [${tensor.shape}] needs ${countElements(tensor.shape)} values, received ${tensor.data.length}`);
    }
    const bytes = tensor.data.length * width;
    header[name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let headerText = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  headerText += ' '.repeat((8 - ((8 + Buffer.byteLength(headerText)) % 8)) % 8);
  const headerBytes = Buffer.from(headerText, 'utf8');
  const output = Buffer.alloc(8 + headerBytes.length + offset);
  output.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(output, 8);
  let position = 8 + headerBytes.length;
  for (const name of names) {
    const data = tensors.get(name)!.data;
    if (dtype === 'F32') {
      Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(output, position);
      position += data.byteLength;
    } else {
      for (let index = 0; index < data.length; index += 1) {
        output.writeUInt16LE(float32ToBfloat16(data[index]), position);
        position += 2;
      }
    }
  }
  return output;
}
