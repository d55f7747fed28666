// Saved progress of a rollout shard: finished questions are written in batches, so a retry never repeats paid model calls.
import { z } from 'zod';
import { Trajectory, TrajectorySchema } from '../schemas/trajectory';
import { RunStore } from '../store/run-store';

/** Progress parts live apart from trajectories/, so readers of finished shards never see them. */
export function progressFolder(shard: string): string {
  return `rollout-progress/${shard}`;
}

/**
 * A part is named by the first question it holds. Questions finished in one attempt are never redone in
 * the next, so names from different attempts cannot collide, and a rewritten part holds the same questions.
 */
export function progressPartKey(shard: string, firstQuestion: number): string {
  return `${progressFolder(shard)}/questions-${String(firstQuestion).padStart(6, '0')}.jsonl`;
}

export const ProgressRecordSchema = z.strictObject({
  question: z.number().int().nonnegative().describe('Index of the question in its shard.'),
  trajectory: TrajectorySchema,
});

/** The finished questions of a shard by their index in the shard. */
export async function readRolloutProgress(store: RunStore, shard: string): Promise<Map<number, Trajectory[]>> {
  const finished = new Map<number, Trajectory[]>();
  for (const key of await store.listParts(progressFolder(shard))) {
    const byQuestion = new Map<number, Trajectory[]>();
    for (const record of await store.objects.readAllJsonLines(key, ProgressRecordSchema)) {
      const list = byQuestion.get(record.question) ?? [];
      list.push(record.trajectory);
      byQuestion.set(record.question, list);
    }
    for (const [question, trajectories] of byQuestion) if (!finished.has(question)) finished.set(question, trajectories);
  }
  return finished;
}

export async function deleteRolloutProgress(store: RunStore, shard: string): Promise<void> {
  for (const key of await store.listParts(progressFolder(shard))) await store.objects.delete(key);
}

export interface ProgressWriterOptions {
  /** Write at most this often while questions keep finishing. */
  intervalMs: number;
  /** …or as soon as this many questions wait. */
  maxQuestions: number;
}

/**
 * Batches finished questions into progress parts with one write in flight at a time, so saving progress
 * costs a few requests per shard instead of one per question and never holds up the rollout.
 */
export class ProgressWriter {
  private pending: Array<{ question: number; trajectories: Trajectory[] }> = [];
  private inFlight: Promise<void> | null = null;
  private lastWrite = Date.now();
  private failure: unknown = null;
  parts = 0;

  constructor(private readonly store: RunStore, private readonly shard: string, private readonly options: ProgressWriterOptions) {}

  add(question: number, trajectories: Trajectory[]): void {
    this.pending.push({ question, trajectories });
    const due = this.pending.length >= this.options.maxQuestions || Date.now() - this.lastWrite >= this.options.intervalMs;
    if (due && !this.inFlight) this.inFlight = this.writePending().finally(() => {
      this.inFlight = null;
    });
  }

  /** Writes everything still pending; throws the first write failure. */
  async flush(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    if (this.pending.length > 0) await this.writePending();
    if (this.failure) throw this.failure;
  }

  /** Waits for a write in flight, dropping what is pending (the shard is finished and needs no progress). */
  async settle(): Promise<void> {
    this.pending = [];
    if (this.inFlight) await this.inFlight;
  }

  private async writePending(): Promise<void> {
    const batch = this.pending.sort((left, right) => left.question - right.question);
    this.pending = [];
    this.lastWrite = Date.now();
    if (batch.length === 0) return;
    const records = batch.flatMap(({ question, trajectories }) => trajectories.map((trajectory) => ({ question, trajectory })));
    try {
      await this.store.putJsonLines(progressPartKey(this.shard, batch[0].question), records);
      this.parts += 1;
    } catch (error) {
      this.failure ??= error;
    }
  }
}
