// Lambda entry of stage 1 (prepare): {bucket, key[, runId]} → {runId, manifestKey, shardCount}.
import { localFilesAllowed, PrepareEventSchema, prepareRun, PrepareResult } from '../../core/run';
import { ObjectStore, resolveS3Settings } from '../../core/store';
import { parseWith } from '../../core/schemas';

export async function handler(event: unknown): Promise<PrepareResult> {
  const input = parseWith(PrepareEventSchema, event, 'prepare event');
  const objects = new ObjectStore(resolveS3Settings());
  const claimHours = Number(process.env.SWIRL_CLAIM_HOURS ?? '72');
  return prepareRun(objects, input, { allowLocalFiles: localFilesAllowed(), claimHours: Number.isFinite(claimHours) && claimHours > 0 ? claimHours : 72 });
}
