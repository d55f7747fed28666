// Lambda entry of stage 3 (decompose): {runId, shard} → runs/<run>/steps/<shard>.jsonl; returns {runId, shard, count}.
import { decomposeShard, DecomposeShardResult, ShardEventSchema } from '../../core/decompose';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings } from '../../core/store';

export async function handler(event: unknown): Promise<DecomposeShardResult> {
  const input = parseWith(ShardEventSchema, event, 'decompose event');
  return decomposeShard(new ObjectStore(resolveS3Settings()), input);
}
