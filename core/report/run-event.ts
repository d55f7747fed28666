// The EventBridge event announcing a run's end: source, detail types and detail shape.
import { z } from 'zod';

export const RUN_EVENT_SOURCE = 'swirl';
export const RUN_FINISHED = 'Swirl Run Finished';
export const RUN_FAILED = 'Swirl Run Failed';

export const RunEventDetailSchema = z.strictObject({
  runId: z.string(),
  state: z.enum(['SUCCEEDED', 'FAILED']),
  bucket: z.string(),
  metricsKey: z.string(),
  reportKey: z.string(),
  failedStage: z.string().nullable(),
  error: z.string().nullable(),
  headline: z.record(z.string(), z.number()).describe('A few top-line numbers (accuracy per model on the first eval set, kept records).'),
});
export type RunEventDetail = z.infer<typeof RunEventDetailSchema>;

export function runEventDetailType(state: RunEventDetail['state']): string {
  return state === 'SUCCEEDED' ? RUN_FINISHED : RUN_FAILED;
}
