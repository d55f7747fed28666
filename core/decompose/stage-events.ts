// Events of the per-shard and per-run stages: only keys and names travel, never data.
import { z } from 'zod';
import { RUN_ID_PATTERN } from '../schemas/run-config';

/** Extra fields a state machine adds (item selectors, earlier results) are ignored. */
export const ShardEventSchema = z.looseObject({
  runId: z.string().regex(RUN_ID_PATTERN, 'a run id matching [a-z0-9][a-z0-9-]{0,62}'),
  shard: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a shard name like "shard-00000"'),
});
export type ShardEvent = z.infer<typeof ShardEventSchema>;

export const RunEventSchema = z.looseObject({
  runId: z.string().regex(RUN_ID_PATTERN, 'a run id matching [a-z0-9][a-z0-9-]{0,62}'),
});
export type RunEvent = z.infer<typeof RunEventSchema>;
