// `swirl datasets stats|import` as a child process on the real shared datasets.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetManifestSchema } from '../../../core/datasets';
import { CorpusDocumentSchema, DatasetRowSchema } from '../../../core/schemas';
import { datasetKeys, ObjectStore } from '../../../core/store';
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';
import { describeWithSharedData, sharedDataPath } from '../../support/shared-data';
import { runSwirl } from './cli-process';
import { useTemporaryDirectory } from '../../support/temporary-directory';

describeWithSharedData('swirl datasets (child process, real files)', () => {
  const directory = useTemporaryDirectory('swirl-cli-datasets-');

  it('stats: 7,473 GSM8K rows and 300 rows per HotPotQA file, no errors', async () => {
    const [gsm8k, train, dev] = await Promise.all([
      runSwirl(['datasets', 'stats', 'gsm8k', '../shared/datasets/gsm8k/train.jsonl']),
      runSwirl(['datasets', 'stats', 'hotpotqa', '../shared/datasets/hotpotqa/train.jsonl']),
      runSwirl(['datasets', 'stats', 'hotpotqa', '../shared/datasets/hotpotqa/dev.jsonl']),
    ]);
    for (const outcome of [gsm8k, train, dev]) expect(outcome.code).toBe(0);
    expect(JSON.parse(gsm8k.stdout)).toMatchObject({ format: 'gsm8k', rows: 7473, errors: [], sample: { answer: '72' } });
    expect(JSON.parse(train.stdout)).toMatchObject({ format: 'hotpotqa', rows: 300, errors: [] });
    expect(JSON.parse(dev.stdout)).toMatchObject({ format: 'hotpotqa', rows: 300, errors: [] });
  });

  it('stats: a truncated line is reported with its number and the rest still loads', async () => {
    const lines = readFileSync(sharedDataPath('gsm8k/train.jsonl'), 'utf8').split('\n');
    lines[99] = lines[99].slice(0, 40);
    const file = join(directory.path, 'gsm8k-truncated.jsonl');
    writeFileSync(file, lines.join('\n'));
    const outcome = await runSwirl(['datasets', 'stats', 'gsm8k', file]);
    expect(outcome.code).toBe(0);
    const stats = JSON.parse(outcome.stdout);
    expect(stats.rows).toBe(7472);
    expect(stats.errors).toEqual([{ line: 100, error: expect.stringContaining('unparseable text') }]);
  });

  it('stats: an unknown format or missing file exits 2', async () => {
    const [format, file] = await Promise.all([
      runSwirl(['datasets', 'stats', 'gsm9k', sharedDataPath('gsm8k/train.jsonl')]),
      runSwirl(['datasets', 'stats', 'gsm8k', join(directory.path, 'none.jsonl')]),
    ]);
    expect(format).toMatchObject({ code: 2, stderr: expect.stringContaining('format: expected one of gsm8k | hotpotqa') });
    expect(file).toMatchObject({ code: 2, stderr: expect.stringContaining('none.jsonl: no such file') });
  });

  it('import: normalizes into the embedded store\'s default directory; re-importing the same file is a no-op', async () => {
    const env = { XDG_CACHE_HOME: join(directory.path, 'cache') };
    const first = await runSwirl(['datasets', 'import', 'hotpotqa', '../shared/datasets/hotpotqa/dev.jsonl'], env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'imported', dataset: 'datasets/hotpotqa-dev', questions: 300, malformedLines: 0 });
    const second = await runSwirl(['datasets', 'import', 'hotpotqa', '../shared/datasets/hotpotqa/dev.jsonl'], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'unchanged', importedAt: JSON.parse(first.stdout).importedAt });

    const server = new EmbeddedS3Server({ directory: join(directory.path, 'cache', 'swirl', 's3') });
    const objects = new ObjectStore(await server.start());
    try {
      const keys = datasetKeys('hotpotqa-dev');
      const manifest = await objects.getJson(keys.manifest, DatasetManifestSchema);
      expect(manifest?.sourceSha256).toBe(createHash('sha256').update(readFileSync(sharedDataPath('hotpotqa/dev.jsonl'))).digest('hex'));
      expect(await objects.readAllJsonLines(keys.questions, DatasetRowSchema)).toHaveLength(300);
      expect((await objects.readAllJsonLines(keys.corpus, CorpusDocumentSchema)).length).toBe(manifest?.corpusDocuments);
    } finally {
      await server.stop();
    }
  });
});
