// Reuses one run's rollouts in another: copies its trajectory parts, so the second run's rollout stage finds them and skips.
import { TrajectorySchema } from '../../core/schemas/trajectory';
import { ObjectStore } from '../../core/store/object-store';
import { RunStore } from '../../core/store/run-store';
import { RUN_FILES } from '../../core/store/run-keys';

function shardOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1).replace(/\.jsonl$/, '');
}

/**
 * Copies runs/<from>/trajectories/<shard>.jsonl to runs/<to>/ with the run id rewritten. Both runs must come from
 * configs with the same dataset, samples and shard size: prepare then writes the same shards in the second run.
 * Returns the number of trajectories copied.
 */
export async function seedRollouts(objects: ObjectStore, from: string, to: string): Promise<number> {
  const source = new RunStore(objects, from);
  const target = new RunStore(objects, to);
  const parts = (await source.listParts('trajectories')).filter((key) => !key.endsWith('.progress.jsonl'));
  if (parts.length === 0) throw new Error(`seed rollouts: expected trajectory parts under ${source.key('trajectories/')}, found none`);
  let copied = 0;
  for (const key of parts) {
    const trajectories = [];
    for await (const entry of objects.readJsonLines(key, TrajectorySchema)) {
      if (entry.error !== undefined) throw new Error(`${key} line ${entry.line}: ${entry.error}`);
      trajectories.push({ ...entry.value, runId: to });
    }
    await target.putJsonLines(RUN_FILES.trajectories(shardOf(key)), trajectories);
    copied += trajectories.length;
  }
  return copied;
}
