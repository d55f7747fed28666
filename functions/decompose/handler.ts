// Lambda entry of stage 3 (decompose): {runId, shard} → runs/<run>/steps/<shard>.jsonl; returns {runId, shard, count}.
import { decomposeShard, DecomposeShardResult, ShardEventSchema } from '../../core/decompose';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings, timeShard } from '../../core/store';

export async function handler(event: unknown): Promise<DecomposeShardResult> {
  const input = parseWith(ShardEventSchema, event, 'decompose event');
  const objects = new ObjectStore(resolveS3Settings());
  return timeShard(objects, input.runId, 'decompose', input.shard, () => decomposeShard(objects, input));
}
