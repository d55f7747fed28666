// The prepare Lambda handler in process against the embedded S3 server.
import { z } from 'zod';
import { handler } from '../../../functions/prepare/handler';
import { DatasetRowSchema } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { useLambdaEnvironment } from '../../support/lambda-environment';

describe('prepare Lambda handler', () => {
  const environment = useLambdaEnvironment('swirl-handler');
  beforeAll(() => {
    delete process.env.SWIRL_ALLOW_LOCAL_FILES;
  });

  const rows = [
    { question: 'A box holds 3 rows of 4 eggs. How many eggs?', answer: 'Rows times eggs: <<3*4=12>>12\n#### 12' },
    { question: 'Half of 30?', answer: '<<30/2=15>>15\n#### 15' },
  ];

  it('prepares a run from a configs/ upload event and keeps malformed lines on record', async () => {
    await environment.objects().putText('uploads/math.jsonl', `${JSON.stringify(rows[0])}\n{"question": "cut off\n${JSON.stringify(rows[1])}\n`);
    await environment.objects().putJson('configs/math-run.json', {
      runId: 'math-run',
      dataset: { source: 'uploads/math.jsonl', format: 'gsm8k' },
      policy: { provider: 'trainer', model: 'builtin:tiny-policy' },
      concurrency: { questionsPerShard: 1 },
    });
    const result = await handler({ bucket: 'swirl-handler', key: 'configs/math-run.json' });
    expect(result).toEqual({
      runId: 'math-run', manifestKey: 'runs/math-run/shards/manifest.json', shardCount: 2, policyRunner: 'batch', evaluationPlanKey: 'runs/math-run/eval/pairs.json',
    });
    const store = new RunStore(environment.objects(), 'math-run');
    expect((await store.readAllJsonLines('shards/shard-00001.jsonl', DatasetRowSchema))[0]).toMatchObject({ id: 'gsm8k-3', answer: '15', goldCalculations: [{ expression: '30/2', value: 15 }] });
    const errors = await store.readAllJsonLines('prepare/dataset-errors.jsonl', z.object({ set: z.string(), line: z.number(), error: z.string() }));
    expect(errors).toEqual([{ set: 'dataset', line: 2, error: expect.stringContaining('unparseable') }]);
    expect((await store.readStatus())?.stages.prepare?.counts).toMatchObject({ questions: 2, shards: 2, malformedLines: 1 });
  });

  it('throws ConfigValidationError, which the state machine catches by name', async () => {
    await environment.objects().putJson('configs/oops.json', { runId: 'oops', dataset: { source: 'uploads/math.jsonl', format: 'gsm8k' } });
    await expect(handler({ bucket: 'swirl-handler', key: 'configs/oops.json' })).rejects.toMatchObject({
      name: 'ConfigValidationError',
      message: expect.stringContaining('$.policy: expected object, received nothing (missing)'),
    });
  });

  it('rejects a malformed event before touching S3', async () => {
    await expect(handler({ bucket: 'swirl-handler' })).rejects.toThrow('$.key: expected string, received nothing (missing)');
  });
});
