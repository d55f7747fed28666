// Start and end times of each shard (or job) of a fanned-out stage, so the report can time stages that no single writer owns.
import { z } from 'zod';
import type { Stage } from '../schemas/run-status';
import type { ObjectStore } from './object-store';
import { runKey, RUN_FILES } from './run-keys';

export const ShardTimingSchema = z.strictObject({
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ShardTiming = z.infer<typeof ShardTimingSchema>;

/** The stages whose work runs as many parallel invocations (or a separate job) and so cannot update status.json safely. */
export const SHARD_TIMED_STAGES = ['rollout', 'decompose', 'judge', 'train', 'evaluate'] as const satisfies readonly Stage[];
export type ShardTimedStage = (typeof SHARD_TIMED_STAGES)[number];

export interface StageTiming {
  /** The earliest shard start. */
  startedAt: string;
  /** The latest shard end, or null while any shard has not finished. */
  finishedAt: string | null;
  shards: number;
  finishedShards: number;
}

/**
 * Runs one shard's work between a start and an end record. A shard that stops part-way (a rollout handing the rest
 * to its next invocation, a crash) leaves its record unfinished, and the next invocation keeps that start, so the
 * stage's time covers every attempt; a shard run again after it finished starts a new record.
 */
export async function timeShard<T>(
  objects: ObjectStore, runId: string, stage: ShardTimedStage, shard: string, work: () => Promise<T>,
  options: { isComplete?: (result: T) => boolean; now?: () => Date } = {},
): Promise<T> {
  const now = options.now ?? (() => new Date());
  const key = runKey(runId, RUN_FILES.timing(stage, shard));
  const existing = await objects.getJson(key, ShardTimingSchema);
  const resuming = existing !== null && existing.finishedAt === null;
  const startedAt = resuming ? existing.startedAt : now().toISOString();
  if (!resuming) await objects.putJson(key, { startedAt, finishedAt: null });
  const result = await work();
  // A job that stopped early on request (a SIGTERM checkpoint) returns normally but is not done.
  if (options.isComplete?.(result) ?? true) await objects.putJson(key, { startedAt, finishedAt: now().toISOString() });
  return result;
}

/** The stage's span over all its shard records, or null when it has none. */
export async function readStageTiming(objects: ObjectStore, runId: string, stage: ShardTimedStage): Promise<StageTiming | null> {
  const keys = await objects.list(`${runKey(runId, RUN_FILES.timingFolder(stage))}/`);
  const read = await Promise.all(keys.map((key) => objects.getJson(key, ShardTimingSchema)));
  const timings = read.filter((timing): timing is ShardTiming => timing !== null);
  if (timings.length === 0) return null;
  const finished = timings.filter((timing) => timing.finishedAt !== null);
  return {
    startedAt: timings.map((timing) => timing.startedAt).sort()[0],
    finishedAt: finished.length === timings.length ? finished.map((timing) => timing.finishedAt!).sort().at(-1)! : null,
    shards: timings.length,
    finishedShards: finished.length,
  };
}

/** A timed stage is done once every shard it started has finished. */
export function stateOfTiming(timing: StageTiming): 'SUCCEEDED' | 'RUNNING' {
  return timing.finishedAt !== null ? 'SUCCEEDED' : 'RUNNING';
}

/**
 * The spans of every shard-timed stage that has records. A stage whose records cannot be read goes to `onError`
 * and is left out; without `onError` the error is thrown.
 */
export async function readStageTimings(objects: ObjectStore, runId: string, onError?: (stage: ShardTimedStage, error: Error) => void): Promise<Partial<Record<ShardTimedStage, StageTiming>>> {
  const timings: Partial<Record<ShardTimedStage, StageTiming>> = {};
  for (const stage of SHARD_TIMED_STAGES) {
    let timing: StageTiming | null;
    try {
      timing = await readStageTiming(objects, runId, stage);
    } catch (error) {
      if (!onError) throw error;
      onError(stage, error as Error);
      continue;
    }
    if (timing) timings[stage] = timing;
  }
  return timings;
}
