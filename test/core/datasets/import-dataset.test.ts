// Dataset import into the embedded S3 server: unchanged files skipped, changed ones rewritten.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importDataset, loadDataset, textLineSource } from '../../../core/datasets';
import { DatasetRowSchema } from '../../../core/schemas';
import { datasetKeys } from '../../../core/store';
import { useTemporaryDirectory } from '../../support/temporary-directory';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

describe('importDataset', () => {
  const s3 = useEmbeddedObjectStore();
  const directory = useTemporaryDirectory('swirl-import-');

  it('skips an unchanged file, rewrites a changed one, and keeps malformed lines in the manifest', async () => {
    const file = join(directory.path, 'qa.jsonl');
    writeFileSync(file, '{"q": "One?", "a": "1"}\n{"q": "Two?"}\n');
    const fields = { question: 'q', answer: 'a' };
    const first = await importDataset(s3.objects, { format: 'jsonl', path: file, name: 'qa', fields });
    expect(first).toMatchObject({ status: 'imported', manifest: { questions: 1, corpusDocuments: 0, malformedLines: 1, errors: [{ line: 2 }] } });
    expect(await s3.objects.exists(datasetKeys('qa').corpus)).toBe(false);
    expect((await importDataset(s3.objects, { format: 'jsonl', path: file, name: 'qa', fields })).status).toBe('unchanged');
    // A different mapping of the same file is a different dataset.
    expect((await importDataset(s3.objects, { format: 'jsonl', path: file, name: 'qa', fields: { ...fields, task: 'math' } })).status).toBe('imported');

    writeFileSync(file, '{"q": "One?", "a": "1"}\n{"q": "Two?", "a": "2"}\n');
    const changed = await importDataset(s3.objects, { format: 'jsonl', path: file, name: 'qa', fields });
    expect(changed.status).toBe('imported');
    expect(changed.manifest.sourceSha256).not.toBe(first.manifest.sourceSha256);
    expect((await s3.objects.readAllJsonLines(datasetKeys('qa').questions, DatasetRowSchema)).map((row) => row.answer)).toEqual(['1', '2']);
  });

  it('reads a file that starts with a byte-order mark', async () => {
    const loaded = await loadDataset('gsm8k', textLineSource('\uFEFF{"question": "Q?", "answer": "#### 3"}\n'));
    expect(loaded.errors).toEqual([]);
    expect(loaded.rows[0].answer).toBe('3');
  });
});
