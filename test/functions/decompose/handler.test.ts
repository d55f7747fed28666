// The decompose Lambda handler in process against the embedded S3 server.
import { handler } from '../../../functions/decompose/handler';
import { decomposeTrajectory } from '../../../core/decompose';
import { StepSchema } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { useLambdaEnvironment } from '../../support/lambda-environment';
import { makeTrajectory, mathQuestion } from '../../support/trajectory-fixtures';

describe('decompose Lambda handler', () => {
  const environment = useLambdaEnvironment('swirl-decompose');
  const question = mathQuestion('d1', 'Tom has 3 boxes of 4 pens. How many pens?', '12', [12]);
  const trajectories = [
    makeTrajectory(question, 0, [{ calc: '3*4', result: '12' }, { answer: '12' }], 'dec-run'),
    makeTrajectory(question, 1, [{ calc: '3+4', result: '7' }, { calc: '7*2', result: '14' }, { answer: '14' }], 'dec-run'),
    makeTrajectory(question, 2, [], 'dec-run'),
  ];

  it('writes one step per action under steps/<shard>.jsonl, the same on a rerun', async () => {
    const store = new RunStore(environment.objects(), 'dec-run');
    await store.putJsonLines('trajectories/shard-00000.jsonl', trajectories);
    const result = await handler({ runId: 'dec-run', shard: 'shard-00000' });
    expect(result).toEqual({ runId: 'dec-run', shard: 'shard-00000', count: 5, trajectories: 3 });
    const steps = await store.readAllJsonLines('steps/shard-00000.jsonl', StepSchema);
    expect(steps).toEqual(trajectories.flatMap(decomposeTrajectory));
    await handler({ runId: 'dec-run', shard: 'shard-00000' });
    expect(await store.readAllJsonLines('steps/shard-00000.jsonl', StepSchema)).toEqual(steps);
  });

  it('names the missing input and the bad line, and rejects events that are not keys', async () => {
    await expect(handler({ runId: 'dec-run', shard: 'shard-00009' })).rejects.toThrow('expected trajectories at runs/dec-run/trajectories/shard-00009.jsonl, found nothing');
    const store = new RunStore(environment.objects(), 'dec-run');
    await environment.objects().putText(store.key('trajectories/shard-00001.jsonl'), `${JSON.stringify(trajectories[0])}\n{"id": "broken"\n`);
    await expect(handler({ runId: 'dec-run', shard: 'shard-00001' })).rejects.toThrow('runs/dec-run/trajectories/shard-00001.jsonl line 2');
    await expect(handler({ runId: 'dec-run', shard: '../x' })).rejects.toThrow('$.shard');
    await expect(handler({ runId: 'dec-run' })).rejects.toThrow('$.shard: expected string, received nothing (missing)');
  });
});
