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

export interface SavedProgress {
  /** The finished questions of a shard by their index in the shard. */
  finished: Map<number, Trajectory[]>;
  /** The part keys read, deleted with the parts written once the shard's output exists. */
  keys: string[];
}

export async function readRolloutProgress(store: RunStore, shard: string): Promise<SavedProgress> {
  const finished = new Map<number, Trajectory[]>();
  const keys = await store.listParts(progressFolder(shard));
  for (const key of keys) {
    const byQuestion = new Map<number, Trajectory[]>();
    for (const record of await store.objects.readAllJsonLines(key, ProgressRecordSchema)) {
      const list = byQuestion.get(record.question) ?? [];
      list.push(record.trajectory);
      byQuestion.set(record.question, list);
    }
    for (const [question, trajectories] of byQuestion) if (!finished.has(question)) finished.set(question, trajectories);
  }
  return { finished, keys };
}

/** One progress line, built from a trajectory already serialized for the shard's output. */
export function serializeProgressRecord(question: number, trajectoryJson: string): string {
  return `{"question":${question},"trajectory":${trajectoryJson}}\n`;
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
  private pending: Array<{ question: number; trajectories: string[] }> = [];
  private inFlight: Promise<void> | null = null;
  private lastWrite = Date.now();
  private failure: unknown = null;
  /** Keys of the parts written. */
  readonly keys: string[] = [];

  constructor(private readonly store: RunStore, private readonly shard: string, private readonly options: ProgressWriterOptions) {}

  /** Queues a finished question's trajectories, each already serialized as JSON. */
  add(question: number, trajectories: string[]): void {
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
    const lines = batch.flatMap(({ question, trajectories }) => trajectories.map((trajectory) => serializeProgressRecord(question, trajectory)));
    const key = this.store.key(progressPartKey(this.shard, batch[0].question));
    try {
      await this.store.objects.putSerializedLines(key, lines);
      this.keys.push(key);
    } catch (error) {
      this.failure ??= error;
    }
  }
}
