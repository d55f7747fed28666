// Lambda entry of stage 7 (evaluate), one (model, eval set) pair: {runId, model, set} → runs/<run>/eval/<model>/<set>.jsonl and its result.
import { evaluatePair, EvaluatePairOutcome, EvaluationPairEventSchema } from '../../core/evaluate';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings } from '../../core/store';
import { ensureModelProviders } from '../shared/ensure-model-providers';

export async function handler(event: unknown): Promise<EvaluatePairOutcome> {
  const input = parseWith(EvaluationPairEventSchema, event, 'evaluate event');
  ensureModelProviders();
  return evaluatePair(new ObjectStore(resolveS3Settings()), input);
}
