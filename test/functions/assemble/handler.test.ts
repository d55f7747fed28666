// The assemble Lambda handler in process against the embedded S3 server.
import { handler as decompose } from '../../../functions/decompose/handler';
import { handler as judge } from '../../../functions/judge/handler';
import { handler } from '../../../functions/assemble/handler';
import { TrainManifestSchema } from '../../../core/assemble';
import { FILTER_STRATEGIES, RunConfigSchema, TrainingRecordSchema } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { useLambdaEnvironment } from '../../support/lambda-environment';
import { makeTrajectory, mathQuestion } from '../../support/trajectory-fixtures';

async function seedShards(store: RunStore, shards: number, filter: string): Promise<void> {
  await store.putJson('config.json', RunConfigSchema.parse({
    runId: store.runId, dataset: { source: 'builtin:arith:train', format: 'arith' }, policy: { provider: 'scripted', responses: ['<answer>1</answer>'] },
    filter, validationFraction: 0.2,
  }));
  for (let shard = 0; shard < shards; shard += 1) {
    const trajectories = Array.from({ length: 10 }, (_, index) => {
      const n = shard * 100 + index + 3;
      const question = mathQuestion(`s${shard}-q${index}`, `A crate holds ${n} jars and a second crate holds 8 jars. How many jars?`, String(n + 8), [n + 8]);
      return [
        makeTrajectory(question, 0, [{ calc: `${n}+8`, result: String(n + 8) }, { answer: String(n + 8) }], store.runId),
        makeTrajectory(question, 1, [{ calc: `${n}+17`, result: String(n + 17) }, { answer: String(n + 17) }], store.runId),
        makeTrajectory(question, 2, [{ calc: `${n}*8`, result: String(n * 8) }, { answer: String(n * 8) }], store.runId),
      ];
    }).flat();
    const name = `shard-${String(shard).padStart(5, '0')}`;
    await store.putJsonLines(`trajectories/${name}.jsonl`, trajectories);
    await decompose({ runId: store.runId, shard: name });
    await judge({ runId: store.runId, shard: name });
  }
}

describe('assemble Lambda handler', () => {
  const environment = useLambdaEnvironment('swirl-assemble');

  it('writes SFT records, RL states, validation and a funnel that adds up, identically on a rerun', async () => {
    const store = new RunStore(environment.objects(), 'asm-run');
    await seedShards(store, 2, 'process');
    const result = await handler({ runId: 'asm-run' });
    expect(result).toMatchObject({ runId: 'asm-run', manifestKey: 'runs/asm-run/train/manifest.json', trajectories: 60, steps: 120 });
    const manifest = (await store.getJson('train/manifest.json', TrainManifestSchema))!;
    for (const strategy of FILTER_STRATEGIES) {
      expect(Object.values(manifest.strategies[strategy]).reduce((sum, count) => sum + count, 0)).toBe(60);
    }
    // "+17" uses a number from nowhere: BAD. "×8" combines given numbers (a GOOD step), but answering it before the
    // gold value was derived is premature: a BAD answer, and a wrong one.
    expect(manifest.strategies.process).toMatchObject({ kept: 20, droppedBadStep: 40 });
    expect(manifest.strategies.outcome).toMatchObject({ kept: 20, droppedIncorrect: 40 });
    const sft = await store.readAllJsonLines('train/sft.jsonl', TrainingRecordSchema);
    const validation = await store.readAllJsonLines('train/validation.jsonl', TrainingRecordSchema);
    const states = await store.readAllJsonLines('train/states.jsonl', TrainingRecordSchema);
    expect(sft.length + validation.length + manifest.records.duplicatesRemoved).toBe(manifest.records.candidateSteps);
    expect(manifest.records.candidateSteps).toBe(40);
    expect(sft.every((record) => !record.action.includes('+17'))).toBe(true);
    expect(states.length).toBeLessThanOrEqual(sft.length);
    expect(new Set(sft.map((record) => record.questionId)).size + new Set(validation.map((record) => record.questionId)).size).toBe(20);
    expect((await store.readStatus())?.stages.assemble).toMatchObject({ state: 'SUCCEEDED', counts: { trajectories: 60 } });

    const again = await handler({ runId: 'asm-run' });
    expect(again).toEqual(result);
    expect(await store.readAllJsonLines('train/sft.jsonl', TrainingRecordSchema)).toEqual(sft);
  });

  it('refuses to assemble when a shard was not judged, naming the missing part', async () => {
    const store = new RunStore(environment.objects(), 'asm-gap');
    await seedShards(store, 1, 'none');
    await store.putJsonLines('trajectories/shard-00001.jsonl', []);
    await expect(handler({ runId: 'asm-gap' })).rejects.toThrow('missing: runs/asm-gap/steps/shard-00001.jsonl, runs/asm-gap/judged/shard-00001.jsonl');
  });
});
