// Gathers the pairs' results into runs/<run>/eval/metrics.json: results[model][set], and each model's failures.
import { RunConfigSchema } from '../schemas/run-config';
import { ObjectStore } from '../store/object-store';
import { RUN_FILES } from '../store/run-keys';
import { RunStore } from '../store/run-store';
import { describeEvaluatedModel } from './evaluate-pair';
import { EvaluatedModel, EvaluationMetrics, EvaluationMetricsSchema, EvaluationPairResult, EvaluationPairResultSchema } from './evaluation-record';
import { planEvaluationModels } from './evaluation-models';
import { EVALUATION_FILES, EvaluationPlanSchema } from './evaluation-plan';

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * Reads every planned pair's result and writes eval/metrics.json. A pair without a result (its job failed for good, or
 * never ran) is reported as such. Null when pairs are planned but none has a result yet (evaluation not reached); a run without a plan
 * (written before evaluation was split into pairs) keeps the metrics file it has.
 */
export async function gatherEvaluation(objects: ObjectStore, runId: string): Promise<EvaluationMetrics | null> {
  const store = new RunStore(objects, runId);
  const plan = await store.getJson(EVALUATION_FILES.plan, EvaluationPlanSchema);
  if (plan === null) return store.getJson(EVALUATION_FILES.metrics, EvaluationMetricsSchema);
  const results = await Promise.all(plan.map((pair) => store.getJson(EVALUATION_FILES.result(pair.set, pair.model), EvaluationPairResultSchema)));
  // An empty plan (a run without eval sets) is complete as it is; otherwise nothing gathered means evaluation was not reached.
  if (plan.length > 0 && results.every((result) => result === null)) return null;
  const config = await store.getJson(RUN_FILES.config, RunConfigSchema);
  const planned = new Map((config ? planEvaluationModels(config) : []).map((model) => [model.name, describeEvaluatedModel(model)]));
  const modelNames = unique(plan.map((pair) => pair.model));
  const metrics: EvaluationMetrics = { runId, models: [], sets: unique(plan.map((pair) => pair.set)), results: {} };
  const errors = new Map<string, string[]>(modelNames.map((name) => [name, []]));
  const described = new Map<string, EvaluatedModel>();
  plan.forEach((pair, index) => {
    const result: EvaluationPairResult | null = results[index];
    if (result) described.set(pair.model, result.model);
    if (result?.state === 'SUCCEEDED' && result.metrics) {
      metrics.results[pair.model] ??= {};
      metrics.results[pair.model][pair.set] = result.metrics;
      return;
    }
    errors.get(pair.model)!.push(result?.error ?? `set "${pair.set}": no result (the pair's job failed for good or did not run; the execution's history has its error)`);
  });
  for (const name of modelNames) {
    const model = described.get(name) ?? planned.get(name) ?? { name, provider: 'unknown', model: 'unknown', adapter: null };
    const failures = unique(errors.get(name)!);
    metrics.models.push({ ...model, error: failures.length > 0 ? failures.join('; ') : null });
  }
  await store.putJson(EVALUATION_FILES.metrics, metrics);
  return metrics;
}
