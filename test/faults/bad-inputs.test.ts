// Bad configs and dataset files: each is refused with a clear message (or loads what it can and counts the rest), and nothing lands outside the run's prefix.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileLineSource, LISTED_PROBLEMS, loadDataset, MAX_ROW_CHARACTERS, summarizeDataset, textLineSource } from '../../core/datasets';
import { ConfigValidationError, MAX_CONFIG_BYTES, parseRunConfigText, prepareRun } from '../../core/run';
import { RunStatusSchema } from '../../core/schemas';
import { RunStore } from '../../core/store';
import { useEmbeddedObjectStore } from '../support/embedded-object-store';
import { useTemporaryDirectory } from '../support/temporary-directory';

const base = { runId: 'fault-run', dataset: { source: 'builtin:arith', format: 'arith', limit: 3 }, policy: { provider: 'trainer', model: 'builtin:tiny-policy' } };
const gsm8kLine = (question: string) => JSON.stringify({ question, answer: 'Half is <<48/2=24>>24.\n#### 24' });

/** Every problem line of a config text, or [] when it is valid. */
function problemsOf(text: string): string[] {
  try {
    parseRunConfigText(text);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
}

describe('bad run configs', () => {
  it('reads a config saved with a UTF-8 byte-order mark', () => {
    expect(parseRunConfigText(`\uFEFF${JSON.stringify(base)}`).runId).toBe('fault-run');
  });

  it.each([
    ['an empty file', '', '$: expected a JSON config object, received an empty file'],
    ['invalid JSON', '{"runId": "x",', '$: expected JSON, received unparseable text'],
    ['NaN', JSON.stringify(base).replace(/}$/, ',"samplesPerQuestion": NaN}'), '$: expected JSON, received unparseable text'],
    ['a 20 MB config', JSON.stringify({ ...base, padding: 'x'.repeat(20e6) }), `$: expected a config of at most ${MAX_CONFIG_BYTES} bytes, received 2000`],
    ['unknown keys', JSON.stringify({ ...base, colour: 'red' }), '$: expected only known keys, received unknown key(s) "colour"'],
    ['a parent-directory run id', JSON.stringify({ ...base, runId: '../x' }), '$.runId: expected a run id matching [a-z0-9][a-z0-9-]{0,62}, received "../x"'],
    ['an absolute run id', JSON.stringify({ ...base, runId: '/etc/x' }), '$.runId: expected a run id matching [a-z0-9][a-z0-9-]{0,62}, received "/etc/x"'],
    ['a URL-encoded run id', JSON.stringify({ ...base, runId: '..%2Fx' }), '$.runId: expected a run id matching [a-z0-9][a-z0-9-]{0,62}, received "..%2Fx"'],
    ['samples 1e9', JSON.stringify({ ...base, samplesPerQuestion: 1e9 }), '$.samplesPerQuestion: expected <= 64, received number 1000000000'],
    ['a negative limit', JSON.stringify({ ...base, dataset: { ...base.dataset, limit: -1 } }), '$.dataset.limit: expected > 0, received number -1'],
    ['an infinite number', JSON.stringify(base).replace(/}$/, ',"samplesPerQuestion": 1e999}'), '$.samplesPerQuestion: expected number, received number Infinity'],
    ['a list', '[]', '$: expected object, received an array of 0'],
  ])('refuses %s with a message naming the path, the expectation and the value', (_name, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(expected);
  });
});

describe('bad dataset files', () => {
  const directory = useTemporaryDirectory('swirl-bad-data-');

  it('counts every line of a binary file as malformed and lists only the first ones', async () => {
    const file = join(directory.path, 'binary.jsonl');
    writeFileSync(file, randomBytes(512 * 1024));
    const summary = await summarizeDataset('gsm8k', fileLineSource(file));
    expect(summary.rows).toBe(0);
    expect(summary.malformedLines).toBeGreaterThan(LISTED_PROBLEMS);
    expect(summary.errors).toHaveLength(LISTED_PROBLEMS);
    expect(JSON.stringify(summary).length).toBeLessThan(100_000);
  });

  it('refuses a 5 MB row naming its line and field, echoes a shortened sample, and keeps the other rows', async () => {
    const huge = 'why? '.repeat(1024 * 1024);
    const text = [gsm8kLine('First?'), gsm8kLine(huge), gsm8kLine(`Long but fine ${'x'.repeat(5000)}?`)].join('\n');
    const summary = await summarizeDataset('gsm8k', textLineSource(text));
    expect(summary.rows).toBe(2);
    expect(summary.errors).toEqual([{ line: 2, error: expect.stringMatching(new RegExp(`^expected a row of at most ${MAX_ROW_CHARACTERS} characters, received \\d+ \\(\\$\\.question has \\d+\\)$`)) }]);
    const loaded = await loadDataset('gsm8k', textLineSource(text));
    expect(loaded.rows[1].question).toHaveLength(5015);
    expect(summary.sample?.question).toBe('First?');
    const long = await summarizeDataset('gsm8k', textLineSource(text.split('\n')[2]));
    expect(long.sample!.question.length).toBeLessThan(400);
    expect(long.sample!.question).toMatch(/… \(\d+ more characters\)$/);
  });

  it('reads a byte-order mark, reports non-object and foreign lines by number, and never drops a line silently', async () => {
    const text = [
      `\uFEFF${gsm8kLine('One?')}`,
      '[1, 2]',
      '"just text"',
      JSON.stringify({ _id: 'h1', question: 'A HotPotQA row?', answer: 'yes', context: [] }),
      '',
      gsm8kLine('Two?'),
    ].join('\n');
    const loaded = await loadDataset('gsm8k', textLineSource(text));
    expect(loaded.rows.map((row) => row.question)).toEqual(['One?', 'Two?']);
    expect(loaded.errors.map((error) => error.line)).toEqual([2, 3, 4]);
    expect(loaded.errors[0].error).toBe('the line: expected a JSON object, received an array of 2');
    expect(loaded.errors[2].error).toContain('$.answer: expected a final line "#### <answer>"');
  });

  it('reports an empty release document instead of yielding nothing for its line', async () => {
    const loaded = await loadDataset('jsonl', textLineSource(['[]', '{"data": []}', '{"question": "q?", "answer": "a"}'].join('\n')));
    expect(loaded.rows).toHaveLength(1);
    expect(loaded.errors).toEqual([
      { line: 1, error: 'expected a list of records, received an empty list' },
      { line: 2, error: 'expected a list of records, received an empty list' },
    ]);
  });
});

describe('bad configs through the S3 trigger', () => {
  const s3 = useEmbeddedObjectStore();

  /** Keys that appeared since `before` outside runs/<runId>/. */
  async function writtenOutside(before: string[], runId: string | null): Promise<string[]> {
    const known = new Set(before);
    return (await s3.objects.list('')).filter((key) => !known.has(key) && (runId === null || !key.startsWith(`runs/${runId}/`)));
  }

  it.each([
    ['a byte-order mark is read', 'bom-run', (runId: string) => `\uFEFF${JSON.stringify({ ...base, runId })}`, null],
    ['an empty object', 'empty-run', () => '', 'expected a JSON config object, received an empty file'],
    ['an oversized object', 'huge-run', (runId: string) => JSON.stringify({ ...base, runId, padding: 'x'.repeat(2 * MAX_CONFIG_BYTES) }), `expected a config of at most ${MAX_CONFIG_BYTES} bytes`],
    ['out-of-range numbers', 'range-run', (runId: string) => JSON.stringify({ ...base, runId, samplesPerQuestion: 1e9 }), '$.samplesPerQuestion: expected <= 64'],
  ])('%s: a failed run states the reason in its status.json; nothing is written outside the run', async (_name, runId, text, reason) => {
    await s3.objects.putText(`configs/${runId}.json`, text(runId));
    const before = await s3.objects.list('');
    const outcome = prepareRun(s3.objects, { bucket: s3.objects.bucket, key: `configs/${runId}.json` });
    if (reason === null) await expect(outcome).resolves.toMatchObject({ runId });
    else await expect(outcome).rejects.toBeInstanceOf(ConfigValidationError);
    const status = await new RunStore(s3.objects, runId).getJson('status.json', RunStatusSchema);
    if (reason !== null) expect(status).toMatchObject({ state: 'FAILED', error: { error: 'ConfigValidationError', cause: expect.stringContaining(reason) } });
    expect(await writtenOutside(before, runId)).toEqual([]);
  });

  it.each([
    ['configs/../x.json', undefined],
    ['configs/..%2Fx.json', undefined],
    ['configs/x.json', '../x'],
    ['configs/x.json', '/etc/x'],
    ['configs/x.json', '..%2Fx'],
  ])('a traversal run id (key %s, event run id %s) fails before anything is written', async (key, runId) => {
    await s3.objects.putText(key, JSON.stringify({ ...base, runId: '../x' }));
    const before = await s3.objects.list('');
    await expect(prepareRun(s3.objects, { bucket: s3.objects.bucket, key, runId })).rejects.toThrow(/expected a run id matching/);
    expect(await writtenOutside(before, null)).toEqual([]);
  });
});
