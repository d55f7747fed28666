// Which models an evaluation covers: the base policy, then each trained model folder.
import { listEvaluationModels } from '../../../core/evaluate';
import { RunConfigSchema } from '../../../core/schemas';

const config = RunConfigSchema.parse({
  runId: 'eval-run',
  dataset: { source: 'builtin:arith:train', format: 'arith' },
  policy: { provider: 'openai-compatible', model: 'policy-7b', baseUrl: 'http://127.0.0.1:8000/v1', temperature: 0.8 },
  trainer: { baseModel: 'models/policy-7b' },
});

describe('listEvaluationModels', () => {
  it('evaluates only the base policy, greedily, before anything is trained', () => {
    const models = listEvaluationModels(config, []);
    expect(models).toEqual([{ name: 'base', config: { ...config.policy, temperature: 0, topP: 1 } }]);
  });

  it('adds each trained model folder: adapters on the trainer base model, full weights on their own', () => {
    const keys = [
      'runs/eval-run/model/swirl/adapter_config.json',
      'runs/eval-run/model/swirl/adapter_model.safetensors',
      'runs/eval-run/model/swirl/checkpoints/step-50/adapter_config.json',
      'runs/eval-run/model/sft/adapter_config.json',
      'runs/eval-run/model/merged/model.safetensors',
      'runs/eval-run/model/merged/config.json',
      'runs/eval-run/model/log.jsonl',
      'runs/eval-run/model/partial/checkpoints/step-10/adapter_config.json',
      'runs/other-run/model/foreign/adapter_config.json',
    ];
    const models = listEvaluationModels(config, keys);
    expect(models.map((model) => model.name)).toEqual(['base', 'merged', 'sft', 'swirl']);
    expect(models[3].config).toMatchObject({ provider: 'trainer', model: 'models/policy-7b', adapter: 'runs/eval-run/model/swirl', temperature: 0, topP: 1 });
    expect(models[1].config).toMatchObject({ provider: 'trainer', model: 'runs/eval-run/model/merged', temperature: 0 });
    expect(models[1].config).not.toHaveProperty('adapter');
  });
});
