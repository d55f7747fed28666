// Lambda entry of stage 4 (judge): {runId, shard} → runs/<run>/judged/<shard>.jsonl; returns {runId, shard, counts}.
import { ShardEventSchema } from '../../core/decompose/stage-events';
import { judgeStoredShard, JudgeStoredShardResult } from '../../core/judges';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings } from '../../core/store';
import { ensureModelProviders } from '../shared/ensure-model-providers';

export async function handler(event: unknown): Promise<JudgeStoredShardResult> {
  const input = parseWith(ShardEventSchema, event, 'judge event');
  ensureModelProviders();
  return judgeStoredShard(new ObjectStore(resolveS3Settings()), input);
}
