// The rollout Lambda handler in process against the embedded S3 server.
import { ObjectStore, RunStore } from '../../../core/store';
import { ShardIncompleteError } from '../../../core/rollout/shard-incomplete-error';
import { RunConfigSchema, TrajectorySchema, ValidationError } from '../../../core/schemas';
import { handler } from '../../../functions/rollout/handler';
import { useLambdaEnvironment } from '../../support/lambda-environment';

describe('rollout Lambda handler', () => {
  const environment = useLambdaEnvironment('swirl-rollout-handler');
  let objects: ObjectStore;
  beforeAll(async () => {
    objects = environment.objects();
    const store = new RunStore(objects, 'lambda-run');
    await store.putJson('config.json', RunConfigSchema.parse({
      runId: 'lambda-run',
      dataset: { source: 'datasets/arith', format: 'arith' },
      policy: { provider: 'scripted', responses: ['<math_exp>17 * 3</math_exp>', '<answer>51</answer>'] },
      samplesPerQuestion: 3,
    }));
    await store.putJsonLines('shards/shard-00000.jsonl', [
      { id: 'a1', question: 'What is 17 times 3?', answer: '51', task: 'math', source: 'arith' },
      { id: 'a2', question: 'What is 3 times 17?', answer: '51', task: 'math', source: 'arith' },
    ]);
  });

  it('rolls out a shard named in the event and returns only keys and counts', async () => {
    const result = await handler({ runId: 'lambda-run', shard: 'shard-00000' }, { getRemainingTimeInMillis: () => 900_000 });
    expect(result).toEqual({ runId: 'lambda-run', shard: 'shard-00000', count: 6, skipped: false, finishReasons: { answered: 6 } });
    const trajectories = await objects.readAllJsonLines('runs/lambda-run/trajectories/shard-00000.jsonl', TrajectorySchema);
    expect(trajectories[0].turns[0].toolResult).toBe('17 * 3 -> 51');
    expect(trajectories.map((trajectory) => trajectory.id)).toEqual(['a1#0', 'a1#1', 'a1#2', 'a2#0', 'a2#1', 'a2#2']);
  });

  it('accepts the shard key form and skips the finished shard', async () => {
    const result = await handler({ runId: 'lambda-run', shardKey: 'runs/lambda-run/shards/shard-00000.jsonl' });
    expect(result).toMatchObject({ count: 6, skipped: true });
  });

  it('throws the retryable ShardIncompleteError when the Lambda has no time left', async () => {
    const store = new RunStore(objects, 'lambda-run');
    await store.putJsonLines('shards/shard-00001.jsonl', [{ id: 'b1', question: 'What is 2+2?', answer: '4', task: 'math', source: 'arith' }]);
    await expect(handler({ runId: 'lambda-run', shard: 'shard-00001' }, { getRemainingTimeInMillis: () => 10_000 })).rejects.toBeInstanceOf(ShardIncompleteError);
    const result = await handler({ runId: 'lambda-run', shard: 'shard-00001' }, { getRemainingTimeInMillis: () => 900_000 });
    expect(result.count).toBe(3);
  });

  it('rejects malformed events with a clear message', async () => {
    const failure = await handler({ runId: 'Bad Run', shard: 7 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as Error).message).toContain('rollout event is invalid');
    await expect(handler({ runId: 'lambda-run', shardKey: 'runs/other/shards/x.jsonl' })).rejects.toThrow(/expected shardKey under runs\/lambda-run\/shards\//);
  });
});
