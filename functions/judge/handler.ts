// Lambda entry of stage 4 (judge): {runId, shard} → runs/<run>/judged/<shard>.jsonl; returns {runId, shard, counts}.
import { ShardEventSchema } from '../../core/decompose/stage-events';
import { judgeStoredShard, JudgeStoredShardResult } from '../../core/judges';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings, timeShard } from '../../core/store';
import { ensureModelProviders } from '../shared/ensure-model-providers';

export async function handler(event: unknown): Promise<JudgeStoredShardResult> {
  const input = parseWith(ShardEventSchema, event, 'judge event');
  ensureModelProviders();
  const objects = new ObjectStore(resolveS3Settings());
  return timeShard(objects, input.runId, 'judge', input.shard, () => judgeStoredShard(objects, input));
}
