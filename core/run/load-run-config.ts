// Reads the config named by a prepare event from S3 and validates it, recovering the run id for failure reports.
import { z } from 'zod';
import { RUN_ID_PATTERN, RunConfig } from '../schemas';
import { ObjectStore } from '../store';
import { ConfigValidationError } from './config-validation-error';
import { objectsInBucket } from './open-dataset';
import { parseConfigJson } from './parse-config-json';
import { recoverRunId, validateRunConfig } from './validate-run-config';

/** {bucket, key} from the configs/ upload rule, or {bucket, key, runId} from a schedule (template + fresh run id). */
export const PrepareEventSchema = z.strictObject({
  bucket: z.string().min(1),
  key: z.string().min(1),
  runId: z.string().optional(),
  /** The execution running this prepare (the state machine adds it): the run is claimed for it. */
  execution: z.strictObject({ name: z.string().min(1) }).optional(),
  /** An explicit restart takes the run over from an execution that holds it (`swirl run` sets it). */
  takeOver: z.boolean().optional(),
});
export type PrepareEvent = z.infer<typeof PrepareEventSchema>;

/** configs/<run>.json names its run when the config itself cannot. */
export function runIdFromKey(key: string): string | undefined {
  // A key with "." or ".." segments (or their URL-encoded forms) names no run: it is refused, not resolved.
  if (key.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment)) || /%2f/i.test(key)) return undefined;
  const name = key.slice(key.lastIndexOf('/') + 1).replace(/\.json$/, '');
  return RUN_ID_PATTERN.test(name) ? name : undefined;
}

export async function loadRunConfig(objects: ObjectStore, event: PrepareEvent): Promise<RunConfig> {
  const label = `run config s3://${event.bucket}/${event.key}`;
  if (event.runId !== undefined && !RUN_ID_PATTERN.test(event.runId)) {
    throw new ConfigValidationError(label, [`$.runId: expected a run id matching [a-z0-9][a-z0-9-]{0,62} in the event, received ${JSON.stringify(event.runId)}`]);
  }
  const text = await objectsInBucket(objects, event.bucket).getText(event.key);
  if (text === null) {
    throw new ConfigValidationError(label, ['$: expected a config object, received nothing (no such key)'], event.runId ?? runIdFromKey(event.key));
  }
  const parsed = parseConfigJson(text);
  if (parsed.problem !== undefined) throw new ConfigValidationError(label, [parsed.problem], event.runId ?? runIdFromKey(event.key));
  let input = parsed.value;
  if (event.runId !== undefined && typeof input === 'object' && input !== null && !Array.isArray(input)) {
    input = { ...input, runId: event.runId };
  }
  try {
    return validateRunConfig(input, label);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    throw new ConfigValidationError(label, error.problems, error.runId ?? recoverRunId(input) ?? runIdFromKey(event.key));
  }
}
