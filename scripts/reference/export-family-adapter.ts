// The trainer's side of the PEFT round trip: loads a fixture's checkpoint and PEFT adapter, saves the adapter as
// the trainer writes it, and writes the trainer's logits with it, for generate-family-fixtures.py to check in PEFT.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadAdapter, saveAdapter } from '../../containers/trainer/src/lora';
import { createLocalSource, loadDecoderFromSource } from '../../containers/trainer/src/model';
import { noGrad } from '../../containers/trainer/src/tensor/autograd';

async function main(): Promise<void> {
  const [directory, output] = process.argv.slice(2);
  if (!directory || !output) throw new Error('usage: export-family-adapter.ts <fixture directory> <output directory>');
  const model = await loadDecoderFromSource(createLocalSource(directory));
  model.adapter = await loadAdapter(createLocalSource(path.join(directory, 'adapter')), model.config);
  const reference = JSON.parse(await fs.readFile(path.join(directory, 'reference.json'), 'utf8')) as { ids: number[][] };
  const ids = Int32Array.from(reference.ids.flat());
  const logits = noGrad(() => model.forward(ids, reference.ids.length, reference.ids[0].length));
  const sink = createLocalSource(output);
  await saveAdapter(model.adapter, sink, directory);
  await sink.writeFile('logits.json', JSON.stringify(Array.from(logits.data)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
