// The `swirl` command on bad inputs, as a child process: exit 2 with one clear message, capped listings, and a quiet exit when its reader goes away.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LISTED_PROBLEMS } from '../../core/datasets';
import { MAX_CONFIG_BYTES } from '../../core/run';
import { BIN, runSwirl } from '../local/cli/cli-process';
import { describeWithSharedData, sharedDataPath } from '../support/shared-data';
import { useTemporaryDirectory } from '../support/temporary-directory';

const config = { runId: 'cli-fault', dataset: { source: 'builtin:arith', format: 'arith' }, policy: { provider: 'trainer', model: 'builtin:tiny-policy' } };

/** Runs swirl with its stdout closed before it writes, as `swirl … | head -0` does. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('swirl on bad inputs (child process)', () => {
  const directory = useTemporaryDirectory('swirl-cli-faults-');

  it('reads a BOM config, refuses an oversized one, a traversal run id and a missing dataset with exit 2, and lists a binary dataset\'s errors capped', async () => {
    const bom = join(directory.path, 'bom.json');
    writeFileSync(bom, `\uFEFF${JSON.stringify(config)}`);
    const huge = join(directory.path, 'huge.json');
    writeFileSync(huge, JSON.stringify({ ...config, padding: 'x'.repeat(20 * 1024 * 1024) }));
    const traversal = join(directory.path, 'traversal.json');
    writeFileSync(traversal, JSON.stringify({ ...config, runId: '..%2Fx' }));
    const missingData = join(directory.path, 'missing-data.json');
    writeFileSync(missingData, JSON.stringify({ ...config, dataset: { source: join(directory.path, 'absent.jsonl'), format: 'gsm8k' } }));
    const binary = join(directory.path, 'binary.jsonl');
    writeFileSync(binary, randomBytes(256 * 1024));
    const [read, oversized, escaped, noData, stats, closed] = await Promise.all([
      runSwirl(['validate', bom]),
      runSwirl(['run', huge]),
      runSwirl(['run', traversal]),
      runSwirl(['run', missingData]),
      runSwirl(['datasets', 'stats', 'gsm8k', binary]),
      runWithClosedStdout(['validate', bom]),
    ]);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout).runId).toBe('cli-fault');
    expect(oversized).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining(`expected at most ${MAX_CONFIG_BYTES} bytes, received 2097`) });
    expect(escaped).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('$.runId: expected a run id matching') });
    expect(noData).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('absent.jsonl: no such file') });
    expect(stats.code).toBe(0);
    const summary = JSON.parse(stats.stdout);
    expect(summary.malformedLines).toBeGreaterThan(LISTED_PROBLEMS);
    expect(summary.errors).toHaveLength(LISTED_PROBLEMS);
    expect(stats.stdout.length).toBeLessThan(50_000);
    expect(closed).toEqual({ code: 0, stderr: '' });
  }, 180_000);
});

describeWithSharedData('swirl datasets stats on the real GSM8K file', () => {
  it('loads every row and counts the steps the calculator cannot verify', async () => {
    const outcome = await runSwirl(['datasets', 'stats', 'gsm8k', sharedDataPath('gsm8k/train.jsonl')]);
    expect(outcome.code).toBe(0);
    const summary = JSON.parse(outcome.stdout);
    expect(summary).toMatchObject({ rows: 7473, malformedLines: 0, errors: [], rowsWithUnverifiableSteps: 2, unverifiableSteps: 2 });
    expect(summary.unverifiable).toEqual([
      { line: 395, id: 'gsm8k-395', expression: '560//10', reason: expect.stringContaining('the calculator cannot evaluate the expression') },
      { line: 4170, id: 'gsm8k-4170', expression: '180//3', reason: expect.stringContaining('the calculator cannot evaluate the expression') },
    ]);
  });
});
