// The Catch target's logic: find the failed run, then record the stage, error and cause in its status.json.
import { z } from 'zod';
import { RUN_ID_PATTERN } from '../schemas/run-config';
import { StageSchema } from '../schemas/run-status';
import { parseWith } from '../schemas/validation-error';
import { ObjectStore } from '../store/object-store';
import { RunStore } from '../store/run-store';
import { releaseRun } from '../run/run-claim';
import { runKey, RUN_FILES } from '../store/run-keys';

/** What the state machine's "<Stage> failed" states send: the stage, the caught error, and the state input at the time. */
export const RunFailureEventSchema = z.strictObject({
  stage: StageSchema,
  error: z.string(),
  cause: z.string().nullable().default(null),
  execution: z.string().default('unknown').describe('Execution name, used to name a run whose config never named one.'),
  input: z.looseObject({
    bucket: z.string().optional(),
    key: z.string().optional(),
    runId: z.string().optional(),
    run: z.looseObject({ runId: z.string() }).optional(),
  }).default({}),
});
export type RunFailureEvent = z.infer<typeof RunFailureEventSchema>;

export interface RecordedFailure {
  runId: string;
  statusKey: string;
}

/** Longest cause kept in status.json; Lambda traces can be long and status.json is read by people. */
const MAX_CAUSE_LENGTH = 4000;

/** Lambda failures arrive as a JSON cause {errorType, errorMessage, trace}; people want the message. */
export function summarizeCause(cause: string | null): string {
  if (!cause) return '';
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // A plain-text cause (Map and Batch failures) is kept as it is.
  }
  return text.length > MAX_CAUSE_LENGTH ? `${text.slice(0, MAX_CAUSE_LENGTH - 3)}...` : text;
}

function validRunId(candidate: unknown): string | undefined {
  return typeof candidate === 'string' && RUN_ID_PATTERN.test(candidate) ? candidate : undefined;
}

/** A run id made from free text: lowercase, runs of other characters become "-", at most 63 characters. */
export function slugifyRunId(text: string): string | undefined {
  const slug = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 63).replace(/-+$/, '');
  return validRunId(slug);
}

/**
 * Which run failed: the prepared run id, else the scheduled one, else the one the config names,
 * else the config file's name (as prepare does), else one made from the execution name.
 */
export async function resolveFailedRunId(objects: ObjectStore, event: RunFailureEvent): Promise<string> {
  const { input } = event;
  const known = validRunId(input.run?.runId) ?? validRunId(input.runId);
  if (known) return known;
  if (input.key && (!input.bucket || input.bucket === objects.bucket)) {
    const text = await objects.getText(input.key).catch(() => null);
    if (text !== null) {
      try {
        const fromConfig = validRunId((JSON.parse(text) as { runId?: unknown }).runId);
        if (fromConfig) return fromConfig;
      } catch {
        // An unparseable config names no run; fall through to the file name.
      }
    }
    const name = input.key.slice(input.key.lastIndexOf('/') + 1).replace(/\.json$/, '');
    if (validRunId(name)) return name;
  }
  return slugifyRunId(`failed-${event.execution}`) ?? 'failed-run';
}

export async function recordRunFailure(objects: ObjectStore, rawEvent: unknown): Promise<RecordedFailure> {
  const event = parseWith(RunFailureEventSchema, rawEvent, 'record-failure event');
  const runId = await resolveFailedRunId(objects, event);
  const store = new RunStore(objects, runId);
  await store.updateStatus({
    state: 'FAILED',
    stage: event.stage,
    stageState: 'FAILED',
    error: { stage: event.stage, error: event.error, cause: summarizeCause(event.cause) },
  });
  // The failed execution frees the run it claimed (a claim of another execution is left alone).
  await releaseRun(store, event.execution);
  return { runId, statusKey: runKey(runId, RUN_FILES.status) };
}
