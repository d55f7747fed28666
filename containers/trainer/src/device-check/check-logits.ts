// Logits of a saved transformers checkpoint, loaded by the trainer's loader and run on the device, against transformers' own.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadDecoderFromSource } from '../model/load-model';
import { createLocalSource } from '../model/model-source';
import { noGrad } from '../tensor/autograd';
import type { DeviceTable } from '../tensor/device';
import { compareValues } from './compare-values';

/**
 * reference.json as make-reference.py writes it (logits in a float32 file beside it), or as the model-family
 * fixtures hold it (logits inline); other keys of the fixtures are theirs and ignored here.
 */
const referenceSchema = z.looseObject({
  ids: z.array(z.array(z.number().int().nonnegative()).min(1)).min(1),
  logits: z.array(z.number()).optional(),
  logitsFile: z.string().optional(),
  transformersBfloat16MaxAbsError: z.number().optional(),
});

export interface LogitsComparison {
  checkpoint: string;
  tokens: number;
  maxAbsoluteError: number;
  referenceMaxAbs: number;
  transformersBfloat16MaxAbsError: number | null;
}

function readReferenceLogits(directory: string, reference: z.infer<typeof referenceSchema>): Float32Array {
  if (reference.logits) return Float32Array.from(reference.logits);
  if (!reference.logitsFile) throw new Error(`${directory}/reference.json: expected "logits" or "logitsFile", received neither`);
  const bytes = readFileSync(path.join(directory, reference.logitsFile));
  if (bytes.byteLength % 4 !== 0) throw new Error(`${reference.logitsFile}: expected little-endian float32 values, received ${bytes.byteLength} bytes`);
  const values = new Float32Array(bytes.byteLength / 4);
  for (let index = 0; index < values.length; index += 1) values[index] = bytes.readFloatLE(index * 4);
  return values;
}

/** `directory` holds reference.json and the checkpoint, in model/ or beside it; 'cpu' runs the model where it loads (a baseline). */
export async function compareLogits(device: DeviceTable | 'cpu', directory: string): Promise<LogitsComparison> {
  const reference = referenceSchema.parse(JSON.parse(readFileSync(path.join(directory, 'reference.json'), 'utf8')));
  const checkpoint = existsSync(path.join(directory, 'model', 'config.json')) ? path.join(directory, 'model') : directory;
  const model = await loadDecoderFromSource(createLocalSource(checkpoint));
  if (device !== 'cpu') model.toDevice(device);
  const batch = reference.ids.length;
  const length = reference.ids[0].length;
  if (reference.ids.some((row) => row.length !== length)) throw new Error(`${directory}/reference.json: ids rows differ in length; expected ${length} each`);
  const ids = Int32Array.from(reference.ids.flat());
  const expected = readReferenceLogits(directory, reference);
  if (expected.length !== ids.length * model.config.vocabSize) {
    throw new Error(`reference logits: expected ${ids.length}·${model.config.vocabSize} values, received ${expected.length}`);
  }
  const forward = (): Float32Array => model.forward(ids, batch, length).toHost();
  const actual = noGrad(() => (device === 'cpu' ? forward() : device.withScope(forward)));
  return {
    checkpoint,
    tokens: ids.length,
    maxAbsoluteError: compareValues(actual, expected).maxAbsoluteError,
    referenceMaxAbs: expected.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0),
    transformersBfloat16MaxAbsError: reference.transformersBfloat16MaxAbsError ?? null,
  };
}
