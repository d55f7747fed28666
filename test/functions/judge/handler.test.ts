// The judge Lambda handler in process against the embedded S3 server.
import { handler as decompose } from '../../../functions/decompose/handler';
import { handler } from '../../../functions/judge/handler';
import { JudgmentSchema, RunConfigSchema } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { useLambdaEnvironment } from '../../support/lambda-environment';
import { makeTrajectory, qaQuestion, TurnSpec } from '../../support/trajectory-fixtures';

const question = qaQuestion('j1', 'Where did the band first perform?', 'Tulsa', ['Tinted Windows (band)']);
const paths: TurnSpec[][] = [
  [{ search: 'Tinted Windows band', result: 'Tinted Windows (band): first show in Tulsa.' }, { answer: 'Tulsa' }],
  [{ search: 'Tinted Windows', result: 'Ants Marching: a song.' }, { answer: 'Boston' }],
  [{ invalid: 'no idea' }],
];

async function seedRun(store: RunStore, judge: object, outcomeJudge: 'rule' | 'llm' = 'rule'): Promise<void> {
  await store.putJson('config.json', RunConfigSchema.parse({
    runId: store.runId,
    dataset: { source: 'builtin:hop:train', format: 'hop' },
    policy: { provider: 'scripted', responses: ['<answer>x</answer>'] },
    judge,
    outcomeJudge,
  }));
  await store.putJsonLines('trajectories/shard-00000.jsonl', paths.map((specs, sample) => makeTrajectory(question, sample, specs, store.runId)));
  await decompose({ runId: store.runId, shard: 'shard-00000' });
}

describe('judge Lambda handler', () => {
  const environment = useLambdaEnvironment('swirl-judge');

  it('judges with the rule judge by default: one process judgment per step, one outcome per trajectory', async () => {
    const store = new RunStore(environment.objects(), 'judge-rule');
    await seedRun(store, { provider: 'rule' });
    const result = await handler({ runId: 'judge-rule', shard: 'shard-00000' });
    expect(result.counts).toMatchObject({ steps: 5, trajectories: 3, good: 2, bad: 3, unknown: 0, correct: 1, incorrect: 2, paidInputTokens: 0 });
    const judgments = await store.readAllJsonLines('judged/shard-00000.jsonl', JudgmentSchema);
    expect(judgments.filter((judgment) => judgment.type === 'process').map((judgment) => [judgment.stepId, judgment.type === 'process' && judgment.verdict])).toEqual([
      ['j1#0@0', 'GOOD'], ['j1#0@1', 'GOOD'], ['j1#1@0', 'BAD'], ['j1#1@1', 'BAD'], ['j1#2@0', 'BAD'],
    ]);
    expect(judgments.filter((judgment) => judgment.type === 'outcome')).toHaveLength(3);
  });

  it('pays for an LLM judge once: a rerun is served from the S3 cache and writes the same judgments', async () => {
    const store = new RunStore(environment.objects(), 'judge-llm');
    await seedRun(store, { provider: 'scripted', model: 'grader', responses: ['The step is useful.\nVerdict: GOOD'], pricing: { inputPer1k: 1, outputPer1k: 2 } }, 'llm');
    const first = await handler({ runId: 'judge-llm', shard: 'shard-00000' });
    expect(first.counts).toMatchObject({ steps: 5, good: 5, cacheHits: 0 });
    expect(first.counts.paidInputTokens).toBeGreaterThan(0);
    expect(first.counts.paidCostUsd).toBeGreaterThan(0);
    const judged = await store.readAllJsonLines('judged/shard-00000.jsonl', JudgmentSchema);
    // The scripted grader says "Verdict: GOOD", which is no YES/NO, so the wrong answer keeps its rule verdict.
    expect(judged.find((judgment) => judgment.type === 'outcome' && judgment.trajectoryId === 'j1#1')).toMatchObject({ correct: false, judge: expect.stringContaining('fallback') });
    const second = await handler({ runId: 'judge-llm', shard: 'shard-00000' });
    expect(second.counts).toMatchObject({ steps: 5, good: 5, cacheHits: 5, paidInputTokens: first.counts.paidInputTokens - judged.filter((judgment) => judgment.type === 'process').reduce((sum, judgment) => sum + (judgment.type === 'process' ? judgment.inputTokens : 0), 0) });
    expect(await store.readAllJsonLines('judged/shard-00000.jsonl', JudgmentSchema)).toEqual(judged);
  });

  it('refuses an LLM outcome judge without a model judge, and a shard that was not decomposed', async () => {
    const store = new RunStore(environment.objects(), 'judge-bad');
    await seedRun(store, { provider: 'rule' }, 'llm');
    await expect(handler({ runId: 'judge-bad', shard: 'shard-00000' })).rejects.toThrow('outcomeJudge "llm" needs a model judge');
    await expect(handler({ runId: 'judge-bad', shard: 'shard-00003' })).rejects.toThrow('expected runs/judge-bad/steps/shard-00003.jsonl, found nothing');
  });
});
