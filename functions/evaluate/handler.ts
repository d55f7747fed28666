// Lambda entry of stage 7 (evaluate): {runId} → runs/<run>/eval/<model>/<set>.jsonl and runs/<run>/eval/metrics.json.
import { RunEventSchema } from '../../core/decompose/stage-events';
import { evaluateRun, EvaluateRunResult } from '../../core/evaluate';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings } from '../../core/store';
import { ensureModelProviders } from '../shared/ensure-model-providers';

export async function handler(event: unknown): Promise<EvaluateRunResult> {
  const input = parseWith(RunEventSchema, event, 'evaluate event');
  ensureModelProviders();
  return evaluateRun(new ObjectStore(resolveS3Settings()), input);
}
