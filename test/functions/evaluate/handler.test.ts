// The evaluate Lambda handler (one model on one eval set) in process against the embedded S3 server, and the report's gathering of pairs.
import { handler } from '../../../functions/evaluate/handler';
import { evaluatePair, EvaluationMetricsSchema, EvaluationPairResultSchema, EvaluationRecordSchema, gatherEvaluation, planEvaluationPairs } from '../../../core/evaluate';
import { registerProviderFactory, ScriptedProvider } from '../../../core/providers';
import { RunConfig, RunConfigSchema } from '../../../core/schemas';
import { RunStore, ShardTimingSchema } from '../../../core/store';
import { registerTrainerProvider } from '../../../containers/trainer/src/serve/trainer-provider';
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

async function seedRun(store: RunStore, baseModel = 'builtin:tiny-policy'): Promise<RunConfig> {
  const config = RunConfigSchema.parse({
    runId: store.runId,
    dataset: { source: 'builtin:arith:train', format: 'arith' },
    policy: { provider: 'scripted', model: 'base-policy', responses: ['I multiply.\n<math_exp>3*4</math_exp>', '<answer>12</answer>'] },
    trainer: { baseModel, objective: 'swirl', baseline: 'none' },
    eval: [
      { name: 'arith-test', source: 'builtin:arith:test', format: 'arith' },
      { name: 'hop-test', source: 'builtin:hop:test', format: 'hop', maxSteps: 3 },
    ],
  });
  await store.putJson('config.json', config);
  await store.putJson('eval/pairs.json', planEvaluationPairs(config));
  await store.putJsonLines('eval-sets/arith-test/questions.jsonl', mathQuestions);
  await store.putJsonLines('eval-sets/hop-test/questions.jsonl', qaQuestions);
  await store.putJsonLines('eval-sets/hop-test/corpus.jsonl', corpus);
  await store.objects.putText(store.key('model/swirl/adapter_config.json'), '{}');
  await store.objects.putText(store.key('model/swirl/adapter_model.safetensors'), 'weights');
  return config;
}

describe('evaluate Lambda handler', () => {
  const environment = useLambdaEnvironment('swirl-evaluate');

  it('evaluates one model on one set greedily and writes its records, then its result', async () => {
    const store = new RunStore(environment.objects(), 'eval-run');
    await seedRun(store);
    const seen: Array<{ model: string; adapter?: string; temperature: number }> = [];
    registerProviderFactory('trainer', (config) => {
      seen.push({ model: config.model, adapter: config.adapter, temperature: config.temperature });
      return new ScriptedProvider({ model: 'trained', responses: ['<search_query>Tinted Windows band</search_query>', '<answer>Tulsa</answer>'] });
    });
    expect(await handler({ runId: 'eval-run', model: 'base', set: 'arith-test' })).toEqual({
      runId: 'eval-run', model: 'base', set: 'arith-test', state: 'SUCCEEDED', error: null, skipped: false,
    });
    const baseMath = await store.readAllJsonLines('eval/base/arith-test.jsonl', EvaluationRecordSchema);
    expect(baseMath.map((record) => [record.questionId, record.prediction, record.correct, record.steps])).toEqual([
      ['e1', '12', true, 2], ['e2', '12', false, 2], ['e3', '12', false, 2],
    ]);
    const baseResult = (await store.getJson('eval/base/arith-test.result.json', EvaluationPairResultSchema))!;
    expect(baseResult).toMatchObject({ state: 'SUCCEEDED', model: { name: 'base', provider: 'scripted', adapter: null }, metrics: { questions: 3, correct: 1, f1: null, meanSteps: 2 } });
    expect(baseResult.metrics!.accuracy).toBeCloseTo(1 / 3, 9);
    expect(baseResult.metrics!.ci95.low).toBeGreaterThan(0);

    await handler({ runId: 'eval-run', model: 'swirl', set: 'hop-test' });
    expect(seen).toEqual([{ model: 'builtin:tiny-policy', adapter: 'runs/eval-run/model/swirl', temperature: 0 }]);
    const trainedQa = await store.readAllJsonLines('eval/swirl/hop-test.jsonl', EvaluationRecordSchema);
    expect(trainedQa.map((record) => [record.prediction, record.correct, record.f1])).toEqual([['Tulsa', true, 1], ['Tulsa', false, 0]]);
    const timing = await store.getJson('timings/evaluate/swirl.hop-test.json', ShardTimingSchema);
    expect(timing).toMatchObject({ startedAt: expect.any(String), finishedAt: expect.any(String) });
  });

  it('reuses a pair that already succeeded (a redrive) instead of evaluating it again', async () => {
    const store = new RunStore(environment.objects(), 'eval-redrive');
    await seedRun(store);
    let calls = 0;
    const createModel = () => {
      calls += 1;
      return new ScriptedProvider({ model: 'counted', responses: ['<answer>12</answer>'] });
    };
    const first = await evaluatePair(environment.objects(), { runId: 'eval-redrive', model: 'base', set: 'arith-test' }, { createModel });
    const again = await evaluatePair(environment.objects(), { runId: 'eval-redrive', model: 'base', set: 'arith-test' }, { createModel });
    expect([first.skipped, again.skipped, calls]).toEqual([false, true, 1]);
    expect(await store.readAllJsonLines('eval/base/arith-test.jsonl', EvaluationRecordSchema)).toHaveLength(3);
  });

  it('fails a pair whose model cannot be loaded with a status naming the model and the reason; the report gathers it beside the others', async () => {
    const store = new RunStore(environment.objects(), 'eval-broken');
    const config = await seedRun(store, 'models/not-there');
    // The real trainer provider, so the failure is the loader's own.
    registerTrainerProvider();
    for (const pair of planEvaluationPairs(config)) await handler({ runId: pair.runId, model: pair.model, set: pair.set });
    const failed = (await store.getJson('eval/swirl/arith-test.result.json', EvaluationPairResultSchema))!;
    expect(failed.state).toBe('FAILED');
    expect(failed.error).toMatch(/^model "swirl" \(trainer models\/not-there with adapter runs\/eval-broken\/model\/swirl\) cannot be loaded: .*not-there/);
    expect(await store.exists('eval/swirl/arith-test.jsonl')).toBe(false);

    const metrics = (await gatherEvaluation(environment.objects(), 'eval-broken'))!;
    expect(metrics.sets).toEqual(['arith-test', 'hop-test']);
    expect(Object.keys(metrics.results)).toEqual(['base']);
    expect(metrics.results.base['arith-test']).toMatchObject({ questions: 3, correct: 1 });
    expect(metrics.models.map((model) => [model.name, model.error === null])).toEqual([['base', true], ['swirl', false]]);
    expect(metrics.models[1]).toMatchObject({ provider: 'trainer', model: 'models/not-there', adapter: 'runs/eval-broken/model/swirl', error: failed.error });
    expect(await store.getJson('eval/metrics.json', EvaluationMetricsSchema)).toEqual(metrics);
  });

  it('reports a pair that left no result (its job failed for good) and gathers nothing before evaluation ran', async () => {
    const store = new RunStore(environment.objects(), 'eval-partial');
    await seedRun(store);
    expect(await gatherEvaluation(environment.objects(), 'eval-partial')).toBeNull();
    await handler({ runId: 'eval-partial', model: 'base', set: 'arith-test' });
    await handler({ runId: 'eval-partial', model: 'base', set: 'hop-test' });
    const metrics = (await gatherEvaluation(environment.objects(), 'eval-partial'))!;
    expect(Object.keys(metrics.results.base)).toEqual(['arith-test', 'hop-test']);
    expect(metrics.models[1].error).toContain('set "arith-test": no result');
    expect(metrics.models[1].error).toContain('set "hop-test": no result');
  });

  it('rejects an event for a model or set the run does not have, saying what it expected', async () => {
    const store = new RunStore(environment.objects(), 'eval-bad-input');
    await seedRun(store);
    await expect(handler({ runId: 'eval-bad-input', model: 'merged', set: 'arith-test' })).rejects.toThrow('expected a model of the run (base, swirl), received "merged"');
    await expect(handler({ runId: 'eval-bad-input', model: 'base', set: 'gsm8k' })).rejects.toThrow('expected an eval set of the run (arith-test, hop-test), received "gsm8k"');
    await expect(handler({ runId: 'eval-bad-input', model: 'base', set: 'arith-test', extra: 1 })).rejects.toThrow(/extra/);
  });
});
