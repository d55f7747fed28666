// Lambda entry of stage 7 (evaluate): {runId} → runs/<run>/eval/<model>/<set>.jsonl and runs/<run>/eval/metrics.json.
import { registerTrainerProvider } from '../../containers/trainer/src/serve/trainer-provider';
import { RunEventSchema } from '../../core/decompose/stage-events';
import { evaluateRun, EvaluateRunResult } from '../../core/evaluate';
import { hasProviderFactory } from '../../core/providers';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings } from '../../core/store';

export async function handler(event: unknown): Promise<EvaluateRunResult> {
  const input = parseWith(RunEventSchema, event, 'evaluate event');
  // Trained models are served by the trainer's own provider; a host that registered its own keeps it.
  if (!hasProviderFactory('trainer')) registerTrainerProvider();
  return evaluateRun(new ObjectStore(resolveS3Settings()), input);
}
