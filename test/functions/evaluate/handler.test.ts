// The evaluate Lambda handler in process against the embedded S3 server.
import { handler } from '../../../functions/evaluate/handler';
import { evaluateRun, EvaluationMetricsSchema, EvaluationRecordSchema } from '../../../core/evaluate';
import { createProvider, registerProviderFactory, ScriptedProvider } from '../../../core/providers';
import { RunConfigSchema } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { useLambdaEnvironment } from '../../support/lambda-environment';
import { mathQuestion, qaQuestion } from '../../support/trajectory-fixtures';

const mathQuestions = [
  mathQuestion('e1', 'A box has 3 rows of 4 eggs. How many eggs?', '12', [12]),
  mathQuestion('e2', 'A box has 5 rows of 4 eggs. How many eggs?', '20', [20]),
  mathQuestion('e3', 'A box has 3 rows of 6 eggs. How many eggs?', '18', [18]),
];
const qaQuestions = [
  qaQuestion('h1', 'Where did the band behind Tinted Windows first perform?', 'Tulsa', ['Tinted Windows (band)'], ['Tulsa, Oklahoma']),
  qaQuestion('h2', 'Which city is Ants Marching about?', 'Charlottesville Virginia', ['Ants Marching']),
];
const corpus = [
  { id: 'd1', title: 'Tinted Windows (band)', text: 'Tinted Windows played their first show in Tulsa, Oklahoma.' },
  { id: 'd2', title: 'Ants Marching', text: 'Ants Marching is a song by the Dave Matthews Band from Charlottesville.' },
];

async function seedRun(store: RunStore, baseModel = 'builtin:tiny-policy'): Promise<void> {
  await store.putJson('config.json', RunConfigSchema.parse({
    runId: store.runId,
    dataset: { source: 'builtin:arith:train', format: 'arith' },
    policy: { provider: 'scripted', model: 'base-policy', responses: ['I multiply.\n<math_exp>3*4</math_exp>', '<answer>12</answer>'] },
    trainer: { baseModel },
    eval: [
      { name: 'arith-test', source: 'builtin:arith:test', format: 'arith' },
      { name: 'hop-test', source: 'builtin:hop:test', format: 'hop', maxSteps: 3 },
    ],
  }));
  await store.putJsonLines('eval-sets/arith-test/questions.jsonl', mathQuestions);
  await store.putJsonLines('eval-sets/hop-test/questions.jsonl', qaQuestions);
  await store.putJsonLines('eval-sets/hop-test/corpus.jsonl', corpus);
  await store.objects.putText(store.key('model/swirl/adapter_config.json'), '{}');
  await store.objects.putText(store.key('model/swirl/adapter_model.safetensors'), 'weights');
}

describe('evaluate Lambda handler', () => {
  const environment = useLambdaEnvironment('swirl-evaluate');

  it('records a trained model that fails to load as model errors, beside the base model\'s results', async () => {
    const store = new RunStore(environment.objects(), 'eval-broken');
    await seedRun(store, 'models/not-there');
    const result = await handler({ runId: 'eval-broken' });
    expect(result).toMatchObject({ models: ['base', 'swirl'], errors: [] });
    const records = await store.readAllJsonLines('eval/swirl/arith-test.jsonl', EvaluationRecordSchema);
    expect(records.map((record) => [record.finishReason, record.prediction, record.correct])).toEqual(Array(3).fill(['model_error', null, false]));
    const metrics = (await store.getJson('eval/metrics.json', EvaluationMetricsSchema))!;
    expect(metrics.results.swirl['arith-test']).toMatchObject({ questions: 3, correct: 0, finishReasons: { model_error: 3 } });
    expect(metrics.results.base['arith-test']).toMatchObject({ questions: 3, correct: 1 });
    expect(metrics.models[1]).toMatchObject({ name: 'swirl', provider: 'trainer', model: 'models/not-there', adapter: 'runs/eval-broken/model/swirl', error: null });
  });

  it('reports a model that cannot be created without hiding the others', async () => {
    const store = new RunStore(environment.objects(), 'eval-missing');
    await seedRun(store);
    const result = await evaluateRun(environment.objects(), { runId: 'eval-missing' }, {
      createModel: (config) => {
        if (config.provider === 'trainer') throw new Error('no trainer here');
        return createProvider(config);
      },
    });
    expect(result.errors).toEqual(['model "swirl": no trainer here']);
    const metrics = (await store.getJson('eval/metrics.json', EvaluationMetricsSchema))!;
    expect(Object.keys(metrics.results)).toEqual(['base']);
    expect(metrics.models[1]).toMatchObject({ name: 'swirl', error: 'model "swirl": no trainer here' });
  });

  it('evaluates base and trained models greedily on every set, side by side', async () => {
    const store = new RunStore(environment.objects(), 'eval-run');
    await seedRun(store);
    const seen: Array<{ model: string; adapter?: string; temperature: number }> = [];
    registerProviderFactory('trainer', (config) => {
      seen.push({ model: config.model, adapter: config.adapter, temperature: config.temperature });
      return new ScriptedProvider({ model: 'trained', responses: ['<search_query>Tinted Windows band</search_query>', '<answer>Tulsa</answer>'] });
    });
    const result = await handler({ runId: 'eval-run' });
    expect(result).toMatchObject({ models: ['base', 'swirl'], sets: ['arith-test', 'hop-test'], errors: [], metricsKey: 'runs/eval-run/eval/metrics.json' });
    expect(seen).toEqual([{ model: 'builtin:tiny-policy', adapter: 'runs/eval-run/model/swirl', temperature: 0 }]);

    const baseMath = await store.readAllJsonLines('eval/base/arith-test.jsonl', EvaluationRecordSchema);
    expect(baseMath.map((record) => [record.questionId, record.prediction, record.correct, record.steps])).toEqual([
      ['e1', '12', true, 2], ['e2', '12', false, 2], ['e3', '12', false, 2],
    ]);
    const trainedQa = await store.readAllJsonLines('eval/swirl/hop-test.jsonl', EvaluationRecordSchema);
    expect(trainedQa.map((record) => [record.prediction, record.correct, record.f1])).toEqual([['Tulsa', true, 1], ['Tulsa', false, 0]]);

    const metrics = (await store.getJson('eval/metrics.json', EvaluationMetricsSchema))!;
    expect(metrics.results.base['arith-test']).toMatchObject({ questions: 3, correct: 1, f1: null, meanSteps: 2 });
    expect(metrics.results.base['arith-test'].accuracy).toBeCloseTo(1 / 3, 9);
    expect(metrics.results.base['arith-test'].ci95.low).toBeGreaterThan(0);
    expect(metrics.results.base['arith-test'].ci95.high).toBeLessThan(1);
    expect(metrics.results.swirl['hop-test']).toMatchObject({ questions: 2, correct: 1, accuracy: 0.5, f1: 0.5 });
    // The base policy never searches and answers "12": wrong on QA, with the step cap of the set respected.
    expect(metrics.results.base['hop-test']).toMatchObject({ correct: 0, f1: 0 });
    expect(metrics.results.swirl['arith-test'].correct).toBe(0);
    expect(metrics.results.base['arith-test'].meanTokens).toBeGreaterThan(0);
    expect((await store.readStatus())?.stages.evaluate?.state).toBe('SUCCEEDED');
  });
});
