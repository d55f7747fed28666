// Stage 4 over S3: judges a shard's steps and trajectories and writes runs/<run>/judged/<shard>.jsonl whole.
import { RunConfigSchema } from '../schemas/run-config';
import { StepSchema } from '../schemas/step';
import { TrajectorySchema } from '../schemas/trajectory';
import { ObjectStore } from '../store/object-store';
import { RUN_FILES } from '../store/run-keys';
import { RunStore } from '../store/run-store';
import { createRunJudges, CreateJudgesOptions } from './create-judges';
import { S3JudgeCache } from './judge-cache';
import { judgeShard, JudgeShardCounts } from './judge-shard';

export interface JudgeStoredShardResult {
  runId: string;
  shard: string;
  counts: JudgeShardCounts;
}

async function readRequired<T>(store: RunStore, relative: string, read: () => Promise<T>, stage: string): Promise<T> {
  if (!(await store.exists(relative))) throw new Error(`judge: expected ${store.key(relative)}, found nothing (has the ${stage} stage run?)`);
  return read();
}

export async function judgeStoredShard(
  objects: ObjectStore,
  event: { runId: string; shard: string },
  options: Partial<CreateJudgesOptions> = {},
): Promise<JudgeStoredShardResult> {
  const store = new RunStore(objects, event.runId);
  const config = await store.getJson(RUN_FILES.config, RunConfigSchema);
  if (config === null) throw new Error(`judge: expected the run config at ${store.key(RUN_FILES.config)}, found nothing`);
  const steps = await readRequired(store, RUN_FILES.steps(event.shard), () => store.readAllJsonLines(RUN_FILES.steps(event.shard), StepSchema), 'decompose');
  const trajectories = await readRequired(
    store, RUN_FILES.trajectories(event.shard), () => store.readAllJsonLines(RUN_FILES.trajectories(event.shard), TrajectorySchema), 'rollout',
  );
  const judges = createRunJudges(config, { cache: options.cache ?? new S3JudgeCache(objects), model: options.model, parseRetries: options.parseRetries });
  const { judgments, counts } = await judgeShard({ steps, trajectories, ...judges, concurrency: config.concurrency.judge });
  await store.putJsonLines(RUN_FILES.judged(event.shard), judgments);
  return { runId: event.runId, shard: event.shard, counts };
}
