import { createLocalSource } from '../../../containers/trainer/src/model/model-source';
import {
  bfloat16ToFloat32, float32ToBfloat16, loadWeights, readSafetensors, SafetensorsError, TensorMap, writeSafetensors,
} from '../../../containers/trainer/src/safetensors';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function sampleTensors(): TensorMap {
  return new Map([
    ['b.weight', { shape: [2, 3], data: Float32Array.from([1.5, -2.25, 3e-8, 1e30, -0, 7]) }],
    ['a.bias', { shape: [3], data: Float32Array.from([0.1, 0.2, 0.3]) }],
  ]);
}

function handWritten(header: object, data: Buffer): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length));
  return Buffer.concat([length, headerBytes, data]);
}

describe('safetensors', () => {
  it('round-trips F32 tensors bit for bit, with metadata and an 8-byte aligned data section', () => {
    const buffer = writeSafetensors(sampleTensors(), { metadata: { format: 'pt' } });
    expect(Number(buffer.readBigUInt64LE(0)) % 8).toBe(0);
    const { tensors, metadata } = readSafetensors(buffer);
    expect(metadata).toEqual({ format: 'pt' });
    for (const [name, tensor] of sampleTensors()) {
      expect(tensors.get(name)!.shape).toEqual(tensor.shape);
      expect(Buffer.from(tensors.get(name)!.data.buffer).equals(Buffer.from(tensor.data.buffer))).toBe(true);
    }
    expect(writeSafetensors(tensors, { metadata: { format: 'pt' } }).equals(buffer)).toBe(true);
  });

  it('reads a hand-written file with F32, BF16 and F16 tensors', () => {
    const data = Buffer.alloc(4 + 2 + 2);
    data.writeFloatLE(-1.25, 0);
    data.writeUInt16LE(0x3fc0, 4); // bf16 1.5
    data.writeUInt16LE(0x3c00, 6); // f16 1.0
    const file = handWritten({
      f: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
      h: { dtype: 'F16', shape: [1, 1], data_offsets: [6, 8] },
    }, data);
    const { tensors } = readSafetensors(file);
    expect(tensors.get('f')!.data[0]).toBe(-1.25);
    expect(tensors.get('b')!.data[0]).toBe(1.5);
    expect(tensors.get('h')!.data[0]).toBe(1);
    expect(tensors.get('h')!.shape).toEqual([1, 1]);
  });

  it('writes BF16 with round-to-nearest-even', () => {
    expect(float32ToBfloat16(1.5)).toBe(0x3fc0);
    expect(bfloat16ToFloat32(float32ToBfloat16(1 + 2 ** -8))).toBe(1); // tie rounds to even
    expect(bfloat16ToFloat32(float32ToBfloat16(1 + 3 * 2 ** -9))).toBe(1 + 2 ** -7);
    const { tensors } = readSafetensors(writeSafetensors(sampleTensors(), { dtype: 'BF16' }));
    expect(tensors.get('b.weight')!.data[0]).toBe(1.5);
    expect(Math.abs(tensors.get('a.bias')!.data[1] - 0.2)).toBeLessThan(0.002);
  });

  it('names what is wrong in a bad file', () => {
    expect(() => readSafetensors(Buffer.alloc(4), 'x.safetensors')).toThrow('x.safetensors: expected at least 8 bytes');
    const wrongSize = handWritten({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, Buffer.alloc(4));
    expect(() => readSafetensors(wrongSize)).toThrow(/tensor w: expected 8 bytes/);
    const int = handWritten({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, Buffer.alloc(8));
    expect(() => readSafetensors(int)).toThrow(SafetensorsError);
    expect(() => readSafetensors(int)).toThrow(/expected dtype F32 \| BF16 \| F16, received I64/);
  });

  it('loads a sharded checkpoint through model.safetensors.index.json', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-shards-'));
    const [first, second] = [...sampleTensors()];
    await fs.writeFile(path.join(directory, 'model-00001-of-00002.safetensors'), writeSafetensors(new Map([first])));
    await fs.writeFile(path.join(directory, 'model-00002-of-00002.safetensors'), writeSafetensors(new Map([second])));
    await fs.writeFile(path.join(directory, 'model.safetensors.index.json'), JSON.stringify({
      metadata: { total_size: 36 },
      weight_map: { [first[0]]: 'model-00001-of-00002.safetensors', [second[0]]: 'model-00002-of-00002.safetensors' },
    }));
    const tensors = await loadWeights(createLocalSource(directory));
    expect([...tensors.keys()].sort()).toEqual(['a.bias', 'b.weight']);
    expect(Array.from(tensors.get('a.bias')!.data)).toEqual(Array.from(second[1].data));
    await fs.rm(path.join(directory, 'model-00002-of-00002.safetensors'));
    await expect(loadWeights(createLocalSource(directory))).rejects.toThrow(/shard model-00002-of-00002.safetensors .* does not exist/);
  });
});
