// Stage 3 over S3: streams a shard's trajectories and writes its steps as one whole object.
import { Step } from '../schemas/step';
import { TrajectorySchema } from '../schemas/trajectory';
import { ObjectStore } from '../store/object-store';
import { RUN_FILES } from '../store/run-keys';
import { RunStore } from '../store/run-store';
import { decomposeTrajectory } from './decompose-trajectory';
import { ShardEvent } from './stage-events';

export interface DecomposeShardResult {
  runId: string;
  shard: string;
  count: number;
  trajectories: number;
}

export async function decomposeShard(objects: ObjectStore, event: ShardEvent): Promise<DecomposeShardResult> {
  const store = new RunStore(objects, event.runId);
  const source = store.key(RUN_FILES.trajectories(event.shard));
  if (!(await objects.exists(source))) throw new Error(`decompose ${event.shard}: expected trajectories at ${source}, found nothing (has the rollout stage run?)`);
  let trajectories = 0;
  async function* steps(): AsyncGenerator<Step> {
    for await (const entry of objects.readJsonLines(source, TrajectorySchema)) {
      if (entry.error !== undefined) throw new Error(`${source} line ${entry.line}: ${entry.error}`);
      trajectories += 1;
      yield* decomposeTrajectory(entry.value);
    }
  }
  // A retry rewrites the same key with the same records: the output is a function of the input alone.
  const count = await store.putJsonLines(RUN_FILES.steps(event.shard), steps());
  return { runId: event.runId, shard: event.shard, count, trajectories };
}
