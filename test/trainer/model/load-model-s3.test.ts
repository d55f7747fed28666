// A bf16 checkpoint under an S3 prefix loads by ranged reads to the same bf16 weights and logits as from disk.
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { ObjectStore } from '../../../core/store/object-store';
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';
import { Bfloat16Tensor, createLocalSource, createS3Source, loadDecoderFromSource } from '../../../containers/trainer/src/model';
import { noGrad } from '../../../containers/trainer/src/tensor';
import { FAMILY_FIXTURES_DIRECTORY } from './family-fixtures';

describe('model directories on S3', () => {
  const server = new EmbeddedS3Server();
  let store: ObjectStore;
  beforeAll(async () => {
    store = new ObjectStore(await server.start());
  });
  afterAll(() => server.stop());

  it('reads a bf16 checkpoint tensor by tensor from an S3 prefix', async () => {
    const directory = path.join(FAMILY_FIXTURES_DIRECTORY, 'mistral');
    for (const name of ['config.json', 'model.safetensors']) await store.putText(`models/mistral/${name}`, await fs.readFile(path.join(directory, name)));
    const fromS3 = await loadDecoderFromSource(createS3Source(store, 'models/mistral'));
    const fromDisk = await loadDecoderFromSource(createLocalSource(directory));
    const weight = fromS3.weights.get('model.layers.1.mlp.down_proj.weight');
    expect(weight).toBeInstanceOf(Bfloat16Tensor);
    expect((weight as Bfloat16Tensor).bits).toEqual((fromDisk.weights.get('model.layers.1.mlp.down_proj.weight') as Bfloat16Tensor).bits);
    const ids = Int32Array.from({ length: 12 }, (_, index) => (index * 7) % 96);
    expect(noGrad(() => fromS3.forward(ids, 1, 12)).data).toEqual(noGrad(() => fromDisk.forward(ids, 1, 12)).data);
    await expect(loadDecoderFromSource(createS3Source(store, 'models/absent'))).rejects.toThrow(/config.json/);
  });
});
