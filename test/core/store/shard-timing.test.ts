// Shard timing records over the embedded S3 server: one span per stage, kept across resumed invocations.
import { readStageTiming, timeShard } from '../../../core/store';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

const at = (second: number) => () => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

describe('shard timing', () => {
  const s3 = useEmbeddedObjectStore();

  it('spans the earliest start to the latest end over a stage\'s shards', async () => {
    await timeShard(s3.objects, 't1', 'decompose', 'shard-00000', async () => 1, { now: at(10) });
    await timeShard(s3.objects, 't1', 'decompose', 'shard-00001', async () => 2, { now: at(5) });
    expect(await readStageTiming(s3.objects, 't1', 'decompose')).toEqual({
      startedAt: '2026-01-01T00:00:05.000Z', finishedAt: '2026-01-01T00:00:10.000Z', shards: 2, finishedShards: 2,
    });
    expect(await readStageTiming(s3.objects, 't1', 'judge')).toBeNull();
  });

  it('keeps the first start of a shard that stopped part-way, and leaves it unfinished until it completes', async () => {
    await expect(timeShard(s3.objects, 't2', 'rollout', 'shard-00000', async () => { throw new Error('out of time'); }, { now: at(1) })).rejects.toThrow('out of time');
    expect(await readStageTiming(s3.objects, 't2', 'rollout')).toEqual(expect.objectContaining({ startedAt: '2026-01-01T00:00:01.000Z', finishedAt: null, finishedShards: 0 }));
    await timeShard(s3.objects, 't2', 'rollout', 'shard-00000', async () => 'done', { now: at(30) });
    expect(await readStageTiming(s3.objects, 't2', 'rollout')).toEqual(expect.objectContaining({ startedAt: '2026-01-01T00:00:01.000Z', finishedAt: '2026-01-01T00:00:30.000Z' }));
    // A run again after it finished is a new attempt with its own start.
    await timeShard(s3.objects, 't2', 'rollout', 'shard-00000', async () => 'again', { now: at(40) });
    expect(await readStageTiming(s3.objects, 't2', 'rollout')).toEqual(expect.objectContaining({ startedAt: '2026-01-01T00:00:40.000Z', finishedAt: '2026-01-01T00:00:40.000Z' }));
  });

  it('leaves a job that stopped early on request unfinished', async () => {
    const result = await timeShard(s3.objects, 't3', 'train', 'job', async () => ({ interrupted: true }), { now: at(2), isComplete: (done) => !done.interrupted });
    expect(result).toEqual({ interrupted: true });
    expect(await readStageTiming(s3.objects, 't3', 'train')).toEqual(expect.objectContaining({ finishedAt: null, shards: 1 }));
  });
});
