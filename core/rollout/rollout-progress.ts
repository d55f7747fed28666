// Saved progress of a rollout shard: one part per finished question, so a retry never repeats paid model calls.
import { Trajectory, TrajectorySchema } from '../schemas/trajectory';
import { RunStore } from '../store/run-store';

/** Progress parts live apart from trajectories/, so readers of finished shards never see them. */
export function progressFolder(shard: string): string {
  return `rollout-progress/${shard}`;
}

export function progressPartKey(shard: string, questionIndex: number): string {
  return `${progressFolder(shard)}/question-${String(questionIndex).padStart(6, '0')}.jsonl`;
}

const PART_NAME = /\/question-(\d+)\.jsonl$/;

/** The finished questions of a shard by their index in the shard. */
export async function readRolloutProgress(store: RunStore, shard: string): Promise<Map<number, Trajectory[]>> {
  const finished = new Map<number, Trajectory[]>();
  for (const key of await store.listParts(progressFolder(shard))) {
    const match = PART_NAME.exec(key);
    if (!match) continue;
    finished.set(Number(match[1]), await store.objects.readAllJsonLines(key, TrajectorySchema));
  }
  return finished;
}

export async function deleteRolloutProgress(store: RunStore, shard: string): Promise<void> {
  for (const key of await store.listParts(progressFolder(shard))) await store.objects.delete(key);
}
