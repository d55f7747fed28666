// Lambda entry of stage 5 (assemble): {runId} → runs/<run>/train/{sft,states,validation}.jsonl and manifest.json.
import { assembleRun, AssembleRunResult } from '../../core/assemble';
import { RunEventSchema } from '../../core/decompose/stage-events';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings } from '../../core/store';

export async function handler(event: unknown): Promise<AssembleRunResult> {
  const input = parseWith(RunEventSchema, event, 'assemble event');
  return assembleRun(new ObjectStore(resolveS3Settings()), input);
}
