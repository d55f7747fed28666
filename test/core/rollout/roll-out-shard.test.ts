// Rollout of one shard over the embedded S3 server: order, reruns, resumption and batches.
import { rollOutShard } from '../../../core/rollout/roll-out-shard';
import { ShardIncompleteError } from '../../../core/rollout/shard-incomplete-error';
import { computeShardBudget } from '../../../core/rollout/shard-budget';
import { ProgressRecordSchema } from '../../../core/rollout/rollout-progress';
import { ToolRegistry } from '../../../core/tools/tool-registry';
import { TrajectorySchema } from '../../../core/schemas';
import { clearSearchIndexCache } from '../../../core/tools/search-index-cache';
import { CountingProvider, QUESTIONS, writeRun } from './rollout-fixtures';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

describe('rollOutShard', () => {
  const s3 = useEmbeddedObjectStore();
  afterEach(() => clearSearchIndexCache());

  it('writes N samples per question in a deterministic order, using the config\'s policy and tools', async () => {
    const store = await writeRun(s3.objects, 'plain');
    const result = await rollOutShard({ objects: s3.objects, runId: 'plain', shard: 'shard-00000' });
    expect(result).toMatchObject({ runId: 'plain', shard: 'shard-00000', count: 8, questions: 4, skipped: false, finishReasons: { answered: 8 } });
    const trajectories = await store.readAllJsonLines('trajectories/shard-00000.jsonl', TrajectorySchema);
    expect(trajectories.map((trajectory) => trajectory.id)).toEqual(['q0#0', 'q0#1', 'q1#0', 'q1#1', 'q2#0', 'q2#1', 'q3#0', 'q3#1']);
    expect(trajectories[0].turns[0].toolResult).toBe('city -> Tulsa: Tulsa is a city in Oklahoma.');
    expect(trajectories[0].model).toBe('scripted:scripted');
    expect(await store.listParts('rollout-progress')).toEqual([]);
    expect(await store.listParts('trajectories')).toEqual(['runs/plain/trajectories/shard-00000.jsonl']);
  });

  it('draws the same samples in runs that share a sampling seed, and fresh ones per run without it', async () => {
    const seedsOf = async (runId: string, samplingSeed?: number) => {
      await writeRun(s3.objects, runId, samplingSeed === undefined ? {} : { samplingSeed });
      const provider = new CountingProvider(['<answer>Tulsa</answer>']);
      await rollOutShard({ objects: s3.objects, runId, shard: 'shard-00000', provider });
      return [...provider.seeds].sort();
    };
    const first = await seedsOf('seeded-a', 7);
    expect(first).toHaveLength(8);
    expect(new Set(first).size).toBe(8);
    expect(await seedsOf('seeded-b', 7)).toEqual(first);
    expect(await seedsOf('seeded-c', 8)).not.toEqual(first);
    const unseeded = await seedsOf('unseeded-a');
    expect(await seedsOf('unseeded-b')).not.toEqual(unseeded);
  });

  it('skips a completed shard on rerun without calling the model', async () => {
    await writeRun(s3.objects, 'rerun');
    await rollOutShard({ objects: s3.objects, runId: 'rerun', shard: 'shard-00000' });
    const provider = new CountingProvider(['<answer>x</answer>']);
    const again = await rollOutShard({ objects: s3.objects, runId: 'rerun', shard: 'shard-00000', provider });
    expect(again).toMatchObject({ count: 8, skipped: true });
    expect(provider.calls).toBe(0);
  });

  it('stops starting questions near the deadline, then resumes without repeating paid calls', async () => {
    const store = await writeRun(s3.objects, 'resume', { concurrency: { rollout: 1 } });
    const first = new CountingProvider(['<answer>Tulsa</answer>']);
    let questionStarts = 0;
    // Plenty of time for two questions, then the clock runs out.
    const remainingTimeMs = () => (questionStarts++ < 2 ? 600_000 : 1_000);
    const failure = await rollOutShard({ objects: s3.objects, runId: 'resume', shard: 'shard-00000', provider: first, remainingTimeMs, reserveMs: 5_000 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ShardIncompleteError);
    expect((failure as ShardIncompleteError).completedQuestions).toBe(2);
    expect(first.calls).toBe(4);
    expect(await store.exists('trajectories/shard-00000.jsonl')).toBe(false);
    const parts = await store.listParts('rollout-progress/shard-00000');
    expect(parts.map((key) => key.split('/').pop())).toEqual(['questions-000000.jsonl']);
    const saved = (await store.objects.readAllJsonLines(parts[0], ProgressRecordSchema)).map((record) => record.trajectory);
    expect(saved.map((trajectory) => trajectory.id)).toEqual(['q0#0', 'q0#1', 'q1#0', 'q1#1']);

    const second = new CountingProvider(['<answer>Tulsa</answer>']);
    const result = await rollOutShard({ objects: s3.objects, runId: 'resume', shard: 'shard-00000', provider: second });
    expect(result).toMatchObject({ count: 8, resumedQuestions: 2, skipped: false });
    expect(second.calls).toBe(4);
    expect([...second.questionsCalled].sort()).toEqual([QUESTIONS[2].question, QUESTIONS[3].question].map((text) => `Question: ${text}`));
    const trajectories = await store.readAllJsonLines('trajectories/shard-00000.jsonl', TrajectorySchema);
    expect(trajectories.map((trajectory) => trajectory.id)).toEqual(['q0#0', 'q0#1', 'q1#0', 'q1#1', 'q2#0', 'q2#1', 'q3#0', 'q3#1']);
    expect(trajectories.slice(0, 4)).toEqual(saved);
    expect(await store.listParts('rollout-progress')).toEqual([]);
  });

  it('saves progress in batches while questions finish and resumes from any mix of parts', async () => {
    const store = await writeRun(s3.objects, 'batches', { samplesPerQuestion: 1, concurrency: { rollout: 1 } });
    let starts = 0;
    const failure = await rollOutShard({
      objects: s3.objects, runId: 'batches', shard: 'shard-00000', provider: new CountingProvider(['<answer>Tulsa</answer>']),
      remainingTimeMs: () => (starts++ < 3 ? 600_000 : 0), reserveMs: 1, progress: { intervalMs: 60_000, maxQuestions: 2 },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ShardIncompleteError);
    const parts = await store.listParts('rollout-progress/shard-00000');
    expect(parts.map((key) => key.split('/').pop())).toEqual(['questions-000000.jsonl', 'questions-000002.jsonl']);
    const second = new CountingProvider(['<answer>Tulsa</answer>']);
    const result = await rollOutShard({ objects: s3.objects, runId: 'batches', shard: 'shard-00000', provider: second });
    expect(result).toMatchObject({ count: 4, resumedQuestions: 3 });
    expect(second.calls).toBe(1);
  });

  it('runs trajectories with the configured concurrency', async () => {
    await writeRun(s3.objects, 'parallel', { concurrency: { rollout: 3 } });
    const provider = new CountingProvider(['<search_query>city</search_query>', '<answer>Tulsa</answer>'], 15);
    await rollOutShard({ objects: s3.objects, runId: 'parallel', shard: 'shard-00000', provider });
    expect(provider.calls).toBe(16);
    expect(provider.peak).toBe(3);
  });

  it('gives each shard its share of the trajectory budget and records the rest as budget_exhausted', async () => {
    const store = await writeRun(s3.objects, 'budget', { budgets: { maxTrajectories: 5 } }, ['shard-00000', 'shard-00001']);
    const first = await rollOutShard({ objects: s3.objects, runId: 'budget', shard: 'shard-00000' });
    const second = await rollOutShard({ objects: s3.objects, runId: 'budget', shard: 'shard-00001' });
    expect(first.finishReasons).toEqual({ answered: 3, budget_exhausted: 5 });
    expect(second.finishReasons).toEqual({ answered: 2, budget_exhausted: 6 });
    const trajectories = await store.readAllJsonLines('trajectories/shard-00001.jsonl', TrajectorySchema);
    expect(trajectories.filter((trajectory) => trajectory.finishReason === 'budget_exhausted').every((trajectory) => trajectory.turns.length === 0)).toBe(true);
    expect(computeShardBudget({ maxTokens: 1000, maxCostUsd: 2 }, 1, 4)).toEqual({ maxTokens: 250, maxCostUsd: 0.5 });
  });

  it('records model failures as trajectories instead of failing the shard', async () => {
    await writeRun(s3.objects, 'failing', { samplesPerQuestion: 1 });
    const provider = { id: 'down', generate: async () => { throw new Error('connection refused'); } };
    const result = await rollOutShard({ objects: s3.objects, runId: 'failing', shard: 'shard-00000', provider });
    expect(result.finishReasons).toEqual({ model_error: 4 });
  });

  it('saves finished questions before surfacing an unexpected failure', async () => {
    const store = await writeRun(s3.objects, 'defect', { samplesPerQuestion: 1, concurrency: { rollout: 1 } });
    let calls = 0;
    const provider = {
      id: 'defective',
      async generate() {
        calls += 1;
        return { text: '<answer>Tulsa</answer>', finishReason: 'stop' as const, usage: calls === 3 ? (null as never) : { inputTokens: 1, outputTokens: 1 } };
      },
    };
    await expect(rollOutShard({ objects: s3.objects, runId: 'defect', shard: 'shard-00000', provider, tools: new ToolRegistry() })).rejects.toThrow(TypeError);
    const parts = await store.listParts('rollout-progress/shard-00000');
    expect(parts).toHaveLength(1);
    const resumed = await rollOutShard({ objects: s3.objects, runId: 'defect', shard: 'shard-00000', provider: new CountingProvider(['<answer>Tulsa</answer>']) });
    expect(resumed).toMatchObject({ count: 4, resumedQuestions: 2 });
  });

  it('names a missing config or shard', async () => {
    await expect(rollOutShard({ objects: s3.objects, runId: 'nothing', shard: 'shard-00000' })).rejects.toThrow('run nothing: expected runs/nothing/config.json (written by prepare), received nothing');
    await writeRun(s3.objects, 'noshard');
    await expect(rollOutShard({ objects: s3.objects, runId: 'noshard', shard: 'shard-00009' })).rejects.toThrow('expected shard runs/noshard/shards/shard-00009.jsonl, received nothing');
    await expect(rollOutShard({ objects: s3.objects, runId: 'noshard', shard: '../x' })).rejects.toThrow(/not allowed/);
  });
});
