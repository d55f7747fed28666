// Tensor-by-tensor loading: ranged reads and whole-file reads agree, only wanted tensors are read, bf16 stays bits.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalSource, type ModelSource } from '../../../containers/trainer/src/model/model-source';
import { float32ToBfloat16, loadCheckpointTensors, writeSafetensors } from '../../../containers/trainer/src/safetensors';

describe('streaming safetensors', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-stream-'));
    const matrix = { shape: [2, 3], data: Float32Array.from([1.5, -2.25, 0.125, 3, -0.5, 7]) };
    const vector = { shape: [3], data: Float32Array.from([0.5, 0.25, -1]) };
    await fs.writeFile(path.join(directory, 'model-00001-of-00002.safetensors'), writeSafetensors(new Map([['w.weight', matrix]]), { dtype: 'BF16' }));
    await fs.writeFile(path.join(directory, 'model-00002-of-00002.safetensors'), writeSafetensors(new Map([['n.weight', vector], ['unused.weight', vector]]), { dtype: 'BF16' }));
    await fs.writeFile(path.join(directory, 'model.safetensors.index.json'), JSON.stringify({
      weight_map: { 'w.weight': 'model-00001-of-00002.safetensors', 'n.weight': 'model-00002-of-00002.safetensors', 'unused.weight': 'model-00002-of-00002.safetensors' },
    }));
  });
  afterAll(() => fs.rm(directory, { recursive: true, force: true }));

  it('reads the wanted tensors by ranged reads or whole files alike, keeping bf16 matrices as bits', async () => {
    const local = createLocalSource(directory);
    const wholeFiles: ModelSource = { description: 'whole files', readFile: (name) => local.readFile(name) };
    const options = { wanted: (name: string) => name !== 'unused.weight', keepBfloat16: (_name: string, shape: readonly number[]) => shape.length === 2 };
    for (const source of [local, wholeFiles]) {
      const tensors = await loadCheckpointTensors(source, options);
      expect([...tensors.keys()].sort()).toEqual(['n.weight', 'w.weight']);
      const matrix = tensors.get('w.weight')!;
      expect(matrix.data).toBeNull();
      expect(Array.from(matrix.bits!)).toEqual([1.5, -2.25, 0.125, 3, -0.5, 7].map(float32ToBfloat16));
      expect(Array.from(tensors.get('n.weight')!.data!)).toEqual([0.5, 0.25, -1]);
    }
  });

  it('names a shard cut short', async () => {
    const shard = path.join(directory, 'model-00001-of-00002.safetensors');
    const bytes = await fs.readFile(shard);
    await fs.writeFile(shard, bytes.subarray(0, bytes.length - 4));
    await expect(loadCheckpointTensors(createLocalSource(directory), { wanted: () => true, keepBfloat16: () => true })).rejects.toThrow(/w.weight: expected 12 bytes/);
    await fs.writeFile(shard, bytes);
  });
});
