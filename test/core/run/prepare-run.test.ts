// The prepare stage over the embedded S3 server: config, shards, corpus, eval sets and errors.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { importDataset } from '../../../core/datasets';
import { ConfigValidationError, PREPARE_FILES, prepareRun } from '../../../core/run';
import { CorpusDocumentSchema, DatasetRowSchema, RunConfigSchema, RunStatusSchema } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { describeWithSharedData, sharedDataPath } from '../../support/shared-data';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

const policy = { provider: 'trainer', model: 'builtin:tiny-policy' };
const ManifestSchema = z.array(z.strictObject({ runId: z.string(), shard: z.string() }));

describe('prepareRun over the embedded S3 server', () => {
  const s3 = useEmbeddedObjectStore();

  async function putConfig(name: string, config: unknown): Promise<{ bucket: string; key: string }> {
    const key = `configs/${name}.json`;
    await s3.objects.putJson(key, config);
    return { bucket: s3.objects.bucket, key };
  }

  async function statusOf(runId: string) {
    return new RunStore(s3.objects, runId).getJson('status.json', RunStatusSchema);
  }

  it('rejects a bad config with ConfigValidationError and records it in the run status', async () => {
    const event = await putConfig('bad-run', { runId: 'bad-run', dataset: { source: 'x.jsonl', format: 'gsm8k' }, policy, samplesPerQuestion: -2 });
    const failure = prepareRun(s3.objects, event);
    await expect(failure).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(failure).rejects.toMatchObject({ name: 'ConfigValidationError' });
    const status = await statusOf('bad-run');
    expect(status).toMatchObject({ state: 'FAILED', stage: 'prepare', error: { stage: 'prepare', error: 'ConfigValidationError' } });
    expect(status!.error!.cause).toContain('$.samplesPerQuestion: expected > 0, received number -2');
  });

  it('recovers the run id from the key of an unparseable config', async () => {
    await s3.objects.putText('configs/broken-json.json', '{"runId": "broken-json",');
    await expect(prepareRun(s3.objects, { bucket: s3.objects.bucket, key: 'configs/broken-json.json' })).rejects.toThrow(/expected JSON, received unparseable text/);
    expect((await statusOf('broken-json'))?.state).toBe('FAILED');
  });

  it('fails with the malformed lines named when a dataset has no valid question', async () => {
    await s3.objects.putText('uploads/garbage.jsonl', '{"question": "q"}\nnot json\n');
    const event = await putConfig('garbage', { runId: 'garbage', dataset: { source: 'uploads/garbage.jsonl', format: 'gsm8k' }, policy });
    await expect(prepareRun(s3.objects, event)).rejects.toThrow(/expected at least one valid question, received none \(2 malformed line\(s\); first: line 1: \$\.answer/);
    const status = await statusOf('garbage');
    expect(status).toMatchObject({ state: 'FAILED', error: { error: 'DatasetSourceError' } });
  });

  it('reports a missing dataset object by its s3 URL', async () => {
    const event = await putConfig('missing-data', { runId: 'missing-data', dataset: { source: 'uploads/nope.jsonl', format: 'gsm8k' }, policy });
    await expect(prepareRun(s3.objects, event)).rejects.toThrow(`s3://${s3.objects.bucket}/uploads/nope.jsonl: expected an object, received none`);
  });

  it('reads local files only when local runs allow them', async () => {
    const event = await putConfig('local-file', { runId: 'local-file', dataset: { source: '/tmp/none.jsonl', format: 'gsm8k' }, policy });
    await expect(prepareRun(s3.objects, event)).rejects.toThrow(/SWIRL_ALLOW_LOCAL_FILES=1/);
  });

  it('generates builtin tasks deterministically, with their corpus', async () => {
    const config = { runId: 'hop-run', dataset: { source: 'builtin:hop:train', format: 'hop', limit: 12 }, policy, concurrency: { questionsPerShard: 5 },
      eval: [{ name: 'hop-test', source: 'builtin:hop:test', format: 'hop', limit: 4 }] };
    const event = await putConfig('hop-run', config);
    expect(await prepareRun(s3.objects, event)).toMatchObject({ runId: 'hop-run', shardCount: 3 });
    const store = new RunStore(s3.objects, 'hop-run');
    const first = await store.readAllJsonLines('shards/shard-00000.jsonl', DatasetRowSchema);
    expect(first).toHaveLength(5);
    expect(first.every((row) => row.task === 'qa')).toBe(true);
    const corpus = await store.readAllJsonLines(PREPARE_FILES.corpus, CorpusDocumentSchema);
    expect(corpus.length).toBeGreaterThan(0);
    const evalRows = await store.readAllJsonLines(PREPARE_FILES.evalQuestions('hop-test'), DatasetRowSchema);
    expect(evalRows).toHaveLength(4);
    expect(evalRows.map((row) => row.id)).not.toContain(first[0].id);
    await prepareRun(s3.objects, event);
    expect(await store.readAllJsonLines('shards/shard-00000.jsonl', DatasetRowSchema)).toEqual(first);
  });

  describeWithSharedData('with the real datasets', () => {
    beforeAll(async () => {
      await s3.objects.putText('uploads/gsm8k-train.jsonl', readFileSync(sharedDataPath('gsm8k/train.jsonl')));
      await s3.objects.putText('uploads/hotpotqa-dev.jsonl', readFileSync(sharedDataPath('hotpotqa/dev.jsonl')));
      await importDataset(s3.objects, { format: 'hotpotqa', path: sharedDataPath('hotpotqa/train.jsonl'), name: 'hotpotqa-train' });
    });

    it('shards a limited GSM8K dataset deterministically, and a rerun replaces its own output', async () => {
      const config = { runId: 'gsm8k-run', dataset: { source: 'uploads/gsm8k-train.jsonl', format: 'gsm8k', limit: 120 }, policy, concurrency: { questionsPerShard: 50 } };
      const event = await putConfig('gsm8k-run', config);
      const result = await prepareRun(s3.objects, event);
      expect(result).toEqual({
        runId: 'gsm8k-run', manifestKey: 'runs/gsm8k-run/shards/manifest.json', shardCount: 3,
        policyRunner: 'batch', evaluationPlanKey: 'runs/gsm8k-run/eval/pairs.json',
      });
      const store = new RunStore(s3.objects, 'gsm8k-run');
      expect(await store.getJson('shards/manifest.json', ManifestSchema)).toEqual(['shard-00000', 'shard-00001', 'shard-00002'].map((shard) => ({ runId: 'gsm8k-run', shard })));
      const shards = await Promise.all([0, 1, 2].map((index) => store.readAllJsonLines(`shards/shard-0000${index}.jsonl`, DatasetRowSchema)));
      expect(shards.map((rows) => rows.length)).toEqual([50, 50, 20]);
      expect(shards[0][0]).toMatchObject({ id: 'gsm8k-1', answer: '72' });
      expect(shards[2][19].id).toBe('gsm8k-120');
      const resolved = await store.getJson('config.json', RunConfigSchema);
      expect(resolved).toMatchObject({ samplesPerQuestion: 5, filter: 'process', concurrency: { questionsPerShard: 50 } });
      expect(await store.readAllJsonLines(PREPARE_FILES.corpus, CorpusDocumentSchema)).toEqual([]);
      expect((await statusOf('gsm8k-run'))?.stages.prepare).toMatchObject({ state: 'SUCCEEDED', counts: { questions: 120, shards: 3, malformedLines: 0 } });

      await putConfig('gsm8k-run', { ...config, concurrency: { questionsPerShard: 100 } });
      expect((await prepareRun(s3.objects, event)).shardCount).toBe(2);
      expect(await store.listParts('shards')).toEqual(['runs/gsm8k-run/shards/shard-00000.jsonl', 'runs/gsm8k-run/shards/shard-00001.jsonl']);
      expect((await store.readAllJsonLines('shards/shard-00001.jsonl', DatasetRowSchema)).length).toBe(20);
    });

    it('takes the run id from a schedule event and materializes corpus and eval sets', async () => {
      const template = {
        runId: 'template',
        dataset: { source: 'datasets/hotpotqa-train', format: 'hotpotqa', limit: 30 },
        policy,
        eval: [{ name: 'dev', source: `s3://${s3.objects.bucket}/uploads/hotpotqa-dev.jsonl`, format: 'hotpotqa', limit: 10 }],
        concurrency: { questionsPerShard: 25 },
      };
      const { bucket, key } = await putConfig('hotpotqa-template', template);
      const result = await prepareRun(s3.objects, { bucket, key, runId: 'hotpotqa-nightly-1' });
      expect(result).toMatchObject({ runId: 'hotpotqa-nightly-1', shardCount: 2 });
      const store = new RunStore(s3.objects, 'hotpotqa-nightly-1');
      const corpus = await store.readAllJsonLines(PREPARE_FILES.corpus, CorpusDocumentSchema);
      // The corpus is every paragraph of the split, not only those of the first 30 questions.
      expect(corpus.length).toBeGreaterThan(2500);
      const titles = new Set(corpus.map((document) => document.title));
      const rows = await store.readAllJsonLines('shards/shard-00000.jsonl', DatasetRowSchema);
      for (const fact of rows.flatMap((row) => row.supportingFacts)) expect(titles.has(fact.title)).toBe(true);
      expect(await store.readAllJsonLines(PREPARE_FILES.evalQuestions('dev'), DatasetRowSchema)).toHaveLength(10);
      expect((await store.readAllJsonLines(PREPARE_FILES.evalCorpus('dev'), CorpusDocumentSchema)).length).toBeGreaterThan(2500);
      expect((await store.getJson('config.json', RunConfigSchema))?.runId).toBe('hotpotqa-nightly-1');
    });
  });
});
