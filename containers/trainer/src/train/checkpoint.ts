// Checkpoint format: trainable weights, AdamW moments, RNG state and data cursor, with a latest.json pointer.
import { z } from 'zod';
import { parseWith } from '../../../../core/schemas/validation-error';
import type { ModelSink, ModelSource } from '../model/model-source';
import { readSafetensors } from '../safetensors/read-safetensors';
import type { TensorMap } from '../safetensors/safetensors-types';
import { writeSafetensors } from '../safetensors/write-safetensors';

export const LATEST_CHECKPOINT_FILE = 'checkpoints/latest.json';

const RngStateSchema = z.strictObject({
  words: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  spareNormal: z.number().nullable(),
});

const CheckpointStateSchema = z.strictObject({
  step: z.number().int().nonnegative().describe('Optimizer steps completed.'),
  optimizerStep: z.number().int().nonnegative(),
  rng: RngStateSchema,
  dataCursor: z.strictObject({ epoch: z.number().int().nonnegative(), position: z.number().int().nonnegative() }),
  /** Fingerprint of the settings that shape the loss curve; resuming under other settings is refused. */
  fingerprint: z.string(),
});
export type CheckpointState = z.infer<typeof CheckpointStateSchema>;

export interface Checkpoint {
  state: CheckpointState;
  /** Trainable parameters by name. */
  weights: TensorMap;
  /** AdamW first and second moments, named `m/<parameter>` and `v/<parameter>`. */
  moments: TensorMap;
}

function checkpointDirectory(step: number): string {
  return `checkpoints/step-${String(step).padStart(6, '0')}`;
}

/** Files first, pointer last: an interrupted save leaves the previous checkpoint in force. */
export async function saveCheckpoint(sink: ModelSink, checkpoint: Checkpoint): Promise<string> {
  const directory = checkpointDirectory(checkpoint.state.step);
  await sink.writeFile(`${directory}/weights.safetensors`, writeSafetensors(checkpoint.weights));
  await sink.writeFile(`${directory}/optimizer.safetensors`, writeSafetensors(checkpoint.moments));
  await sink.writeFile(`${directory}/state.json`, JSON.stringify(checkpoint.state));
  await sink.writeFile(LATEST_CHECKPOINT_FILE, JSON.stringify({ step: checkpoint.state.step, directory }));
  return directory;
}

/** The newest complete checkpoint, or null when none was written. */
export async function loadLatestCheckpoint(source: ModelSource): Promise<Checkpoint | null> {
  const pointerBytes = await source.readFile(LATEST_CHECKPOINT_FILE);
  if (!pointerBytes) return null;
  const pointer = parseWith(z.strictObject({ step: z.number().int(), directory: z.string().regex(/^checkpoints\/step-\d+$/) }),
    JSON.parse(pointerBytes.toString('utf8')), `${source.description}/${LATEST_CHECKPOINT_FILE}`);
  const read = async (name: string): Promise<Buffer> => {
    const bytes = await source.readFile(`${pointer.directory}/${name}`);
    if (!bytes) throw new Error(`${source.description}/${pointer.directory}: checkpoint file ${name} is missing`);
    return bytes;
  };
  const state = parseWith(CheckpointStateSchema, JSON.parse((await read('state.json')).toString('utf8')), `${pointer.directory}/state.json`);
  return {
    state,
    weights: readSafetensors(await read('weights.safetensors'), `${pointer.directory}/weights.safetensors`).tensors,
    moments: readSafetensors(await read('optimizer.safetensors'), `${pointer.directory}/optimizer.safetensors`).tensors,
  };
}
