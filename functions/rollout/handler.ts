// Lambda entry of stage 2 (rollout): {runId, shard} → runs/<run>/trajectories/<shard>.jsonl and its counts.
import { z } from 'zod';
import { rollOutShard, RolloutShardResult } from '../../core/rollout';
import { parseWith } from '../../core/schemas';
import { RUN_ID_PATTERN } from '../../core/schemas/run-config';
import { ObjectStore, resolveS3Settings, timeShard } from '../../core/store';
import { ensureModelProviders } from '../shared/ensure-model-providers';

export const RolloutEventSchema = z.looseObject({
  runId: z.string().regex(RUN_ID_PATTERN, 'a run id matching [a-z0-9][a-z0-9-]{0,62}'),
  shard: z.string().regex(/^[A-Za-z0-9._=+-]+$/, 'a shard name such as shard-00000').optional(),
  shardKey: z.string().regex(/\/shards\/[^/]+\.jsonl$/, 'a key runs/<run>/shards/<shard>.jsonl').optional(),
}).refine((event) => event.shard !== undefined || event.shardKey !== undefined, { message: 'a "shard" (or "shardKey") field', path: ['shard'] });

/** The part of the Lambda context the handler reads. */
export interface RolloutContext {
  getRemainingTimeInMillis?: () => number;
}

/** Accepts the shard name or its key (runs/<run>/shards/<shard>.jsonl). */
export function readShardName(event: z.infer<typeof RolloutEventSchema>): string {
  if (event.shard !== undefined) return event.shard;
  const key = event.shardKey!;
  const expected = `runs/${event.runId}/shards/`;
  if (!key.startsWith(expected)) throw new Error(`rollout event: expected shardKey under ${expected}, received ${JSON.stringify(key)}`);
  return key.slice(expected.length).replace(/\.jsonl$/, '');
}

// One client per container: warm invocations reuse its connections.
let cached: { settings: string; objects: ObjectStore } | null = null;

function getObjectStore(): ObjectStore {
  const settings = resolveS3Settings();
  const fingerprint = JSON.stringify(settings);
  if (cached?.settings !== fingerprint) cached = { settings: fingerprint, objects: new ObjectStore(settings) };
  return cached.objects;
}

export async function handler(event: unknown, context?: RolloutContext): Promise<Pick<RolloutShardResult, 'runId' | 'shard' | 'count' | 'skipped' | 'finishReasons'>> {
  const input = parseWith(RolloutEventSchema, event, 'rollout event');
  ensureModelProviders();
  const remaining = context?.getRemainingTimeInMillis;
  const objects = getObjectStore();
  const shard = readShardName(input);
  const result = await timeShard(objects, input.runId, 'rollout', shard, () => rollOutShard({
    objects,
    runId: input.runId,
    shard,
    remainingTimeMs: typeof remaining === 'function' ? () => remaining.call(context) : undefined,
  }));
  return { runId: result.runId, shard: result.shard, count: result.count, skipped: result.skipped, finishReasons: result.finishReasons };
}
