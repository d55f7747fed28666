// Which models and (model, eval set) pairs an evaluation covers, and where each pair runs.
import { listTrainedObjectives, planEvaluationModels, planEvaluationPairs } from '../../../core/evaluate';
import { RunConfigSchema } from '../../../core/schemas';

const config = RunConfigSchema.parse({
  runId: 'eval-run',
  dataset: { source: 'builtin:arith:train', format: 'arith' },
  policy: { provider: 'openai-compatible', model: 'policy-7b', baseUrl: 'http://127.0.0.1:8000/v1', temperature: 0.8 },
  trainer: { baseModel: 'models/policy-7b' },
  eval: [{ name: 'arith', source: 'builtin:arith:test', format: 'arith' }, { name: 'hop', source: 'builtin:hop:test', format: 'hop' }],
});

describe('planEvaluationModels', () => {
  it('evaluates the base policy greedily, then each model the config trains, sft baseline first', () => {
    const models = planEvaluationModels(config);
    expect(models.map((model) => model.name)).toEqual(['base', 'sft', 'swirl']);
    expect(models[0]).toEqual({ name: 'base', config: { ...config.policy, temperature: 0, topP: 1 } });
    expect(models[2].config).toMatchObject({ provider: 'trainer', model: 'models/policy-7b', adapter: 'runs/eval-run/model/swirl', temperature: 0, topP: 1 });
  });

  it('evaluates full weights on their own when training is not LoRA, and only the objective without a baseline', () => {
    const full = RunConfigSchema.parse({ ...config, trainer: { baseModel: 'models/policy-7b', lora: null, objective: 'sft', baseline: 'none' } });
    expect(listTrainedObjectives(full.trainer)).toEqual(['sft']);
    const models = planEvaluationModels(full);
    expect(models.map((model) => model.name)).toEqual(['base', 'sft']);
    expect(models[1].config).toMatchObject({ provider: 'trainer', model: 'runs/eval-run/model/sft' });
    expect(models[1].config).not.toHaveProperty('adapter');
  });
});

describe('planEvaluationPairs', () => {
  it('pairs every model with every set: API-served models in Lambdas, the trainer\'s own on Batch', () => {
    const pairs = planEvaluationPairs(config);
    expect(pairs.map((pair) => `${pair.model}/${pair.set}:${pair.runner}`)).toEqual([
      'base/arith:lambda', 'base/hop:lambda', 'sft/arith:batch', 'sft/hop:batch', 'swirl/arith:batch', 'swirl/hop:batch',
    ]);
    expect(pairs.every((pair) => pair.runId === 'eval-run')).toBe(true);
    const trainerServed = RunConfigSchema.parse({ ...config, policy: { provider: 'trainer', model: 'models/policy-7b' } });
    expect(planEvaluationPairs(trainerServed).every((pair) => pair.runner === 'batch')).toBe(true);
  });
});
