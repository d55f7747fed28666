// A run's view of the object store: every key is built under runs/<run>/ and checked.
import { z } from 'zod';
import { RunStatus, RunStatusSchema, Stage } from '../schemas/run-status';
import { ObjectStore } from './object-store';
import { assertInsideRun, runKey, runPrefix } from './run-keys';

export class RunStore {
  constructor(readonly objects: ObjectStore, readonly runId: string) {
    runPrefix(runId);
  }

  key(...segments: string[]): string {
    return runKey(this.runId, ...segments);
  }

  /** Accepts a key that came from an event and proves it belongs to this run. */
  checkKey(key: string): string {
    return assertInsideRun(this.runId, key);
  }

  putJson(relative: string, value: unknown): Promise<void> {
    return this.objects.putJson(this.key(relative), value);
  }

  getJson<T extends z.ZodType>(relative: string, schema: T): Promise<z.infer<T> | null> {
    return this.objects.getJson(this.key(relative), schema);
  }

  putJsonLines(relative: string, records: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
    return this.objects.putJsonLines(this.key(relative), records);
  }

  readAllJsonLines<T extends z.ZodType>(relative: string, schema: T): Promise<z.infer<T>[]> {
    return this.objects.readAllJsonLines(this.key(relative), schema);
  }

  exists(relative: string): Promise<boolean> {
    return this.objects.exists(this.key(relative));
  }

  /** Keys of the parts under a folder of the run, e.g. "trajectories/". */
  async listParts(folder: string, suffix = '.jsonl'): Promise<string[]> {
    const keys = await this.objects.list(this.key(folder) + (folder.endsWith('/') ? '' : '/'));
    return keys.filter((key) => key.endsWith(suffix));
  }

  async readStatus(): Promise<RunStatus | null> {
    return this.objects.getJson(this.key('status.json'), RunStatusSchema);
  }

  /** Read-modify-write of status.json; stages only move forward in the record. */
  async updateStatus(update: {
    state?: RunStatus['state'];
    stage?: Stage;
    stageState?: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
    counts?: Record<string, number>;
    error?: RunStatus['error'];
  }): Promise<RunStatus> {
    const now = new Date().toISOString();
    const current: RunStatus = (await this.readStatus()) ?? {
      runId: this.runId, state: 'PENDING', stage: null, stages: {}, error: null, updatedAt: now,
    };
    const next: RunStatus = { ...current, stages: { ...current.stages }, updatedAt: now };
    if (update.state) next.state = update.state;
    if (update.stage) {
      next.stage = update.stage;
      const previous = current.stages[update.stage] ?? { state: 'PENDING' as const, startedAt: null, finishedAt: null, counts: {} };
      const stageState = update.stageState ?? previous.state;
      next.stages[update.stage] = {
        state: stageState,
        startedAt: previous.startedAt ?? (stageState === 'RUNNING' ? now : null),
        finishedAt: stageState === 'SUCCEEDED' || stageState === 'FAILED' || stageState === 'SKIPPED' ? now : previous.finishedAt,
        counts: { ...previous.counts, ...(update.counts ?? {}) },
      };
    }
    if (update.error !== undefined) next.error = update.error;
    await this.objects.putJson(this.key('status.json'), next);
    return next;
  }
}
