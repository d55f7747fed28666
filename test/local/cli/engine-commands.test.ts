// `swirl status` and `swirl submit` in process against the embedded S3 server (any S3 endpoint works the same way).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore, timeShard } from '../../../core/store';
import { runCli } from '../../../local/cli/main';
import { describeCause } from '../../../local/cli/commands/status';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';
import { useTemporaryDirectory } from '../../support/temporary-directory';

const s3 = useEmbeddedObjectStore();
const directory = useTemporaryDirectory('swirl-engine-cli-');
const saved = { key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
});
afterAll(() => {
  process.env.AWS_ACCESS_KEY_ID = saved.key;
  process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
});

async function swirl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
  const stderrSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
  const previousExitCode = process.exitCode;
  try {
    const code = await runCli(['node', 'swirl', ...args]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    stdoutSpy.mockRestore();
    stderrSpy.mockRestore();
    process.exitCode = previousExitCode;
  }
}

const validConfig = { runId: 'submitted-run', dataset: { source: 'builtin:arith:train', format: 'arith', limit: 4 }, policy: { provider: 'scripted', responses: ['<answer>1</answer>'] } };

describe('swirl status', () => {
  it('prints state, failed stage, error and per-stage counts', async () => {
    const run = new RunStore(s3.objects, 'status-run');
    await run.updateStatus({ state: 'RUNNING', stage: 'prepare', stageState: 'SUCCEEDED', counts: { questions: 12, shards: 3 } });
    await run.updateStatus({ state: 'FAILED', stage: 'rollout', stageState: 'FAILED', error: { stage: 'rollout', error: 'States.ExceedToleratedFailureThreshold', cause: '1 of 3 items failed' } });
    // Decompose ran for one shard before the failure was recorded: its row comes from the shard timing record.
    await timeShard(s3.objects, 'status-run', 'decompose', 'shard-00000', async () => null, { now: () => new Date('2026-01-01T00:00:00.000Z') });
    const outcome = await swirl('status', 'status-run', '--endpoint', s3.objects.settings.endpoint!, '--bucket', s3.objects.bucket);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('run status-run: FAILED (stage rollout)');
    expect(outcome.stdout).toContain('error in rollout: States.ExceedToleratedFailureThreshold');
    expect(outcome.stdout).toMatch(/prepare\s+SUCCEEDED\s+\S+\s+questions=12 shards=3/);
    expect(outcome.stdout).toMatch(/decompose\s+SUCCEEDED\s+0\.0s\s+shards=1 finished=1/);
    const json = await swirl('status', 'status-run', '--endpoint', s3.objects.settings.endpoint!, '--bucket', s3.objects.bucket, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ runId: 'status-run', state: 'FAILED' });
  });

  it('names the fanned-out stage a running run is in, from its shard timing records', async () => {
    const run = new RunStore(s3.objects, 'running-run');
    await run.updateStatus({ state: 'RUNNING', stage: 'prepare', stageState: 'SUCCEEDED', counts: { questions: 4, shards: 2 } });
    await timeShard(s3.objects, 'running-run', 'rollout', 'shard-00000', async () => null, { now: () => new Date('2026-01-01T00:00:00.000Z') });
    const outcome = await swirl('status', 'running-run', '--endpoint', s3.objects.settings.endpoint!, '--bucket', s3.objects.bucket);
    expect(outcome.stdout).toContain('run running-run: RUNNING (stage rollout)');
  });

  it('says which key is missing for an unknown run and rejects an invalid run id', async () => {
    const missing = await swirl('status', 'no-such-run', '--endpoint', s3.objects.settings.endpoint!, '--bucket', s3.objects.bucket);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('runs/no-such-run/status.json does not exist');
    const invalid = await swirl('status', '../escape', '--endpoint', s3.objects.settings.endpoint!, '--bucket', s3.objects.bucket);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('run id "../escape" is invalid');
  });
});

describe('swirl submit', () => {
  it('uploads a valid config to configs/<run>.json', async () => {
    const file = join(directory.path, 'config.json');
    writeFileSync(file, JSON.stringify(validConfig));
    const outcome = await swirl('submit', file, '--bucket', s3.objects.bucket, '--endpoint', s3.objects.settings.endpoint!, '--region', 'us-east-1');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(`uploaded s3://${s3.objects.bucket}/configs/submitted-run.json`);
    expect(JSON.parse((await s3.objects.getText('configs/submitted-run.json'))!)).toEqual(validConfig);
  });

  it('refuses an invalid config with exit 2 and uploads nothing', async () => {
    const file = join(directory.path, 'invalid.json');
    writeFileSync(file, JSON.stringify({ ...validConfig, runId: 'never-uploaded', samplesPerQuestion: 0 }));
    const outcome = await swirl('submit', file, '--bucket', s3.objects.bucket, '--endpoint', s3.objects.settings.endpoint!);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('$.samplesPerQuestion');
    expect(await s3.objects.exists('configs/never-uploaded.json')).toBe(false);
    const run = await swirl('run', file, '--endpoint', s3.objects.settings.endpoint!, '--bucket', s3.objects.bucket);
    expect(run.code).toBe(2);
  });
});

describe('describeCause', () => {
  it('shows a Lambda error message, a Batch job reason with its log tail, or the text', () => {
    expect(describeCause(JSON.stringify({ errorType: 'ConfigValidationError', errorMessage: 'config is invalid:\n  $.x: expected y' }))).toEqual(['config is invalid:', '  $.x: expected y']);
    expect(describeCause(JSON.stringify({ JobName: 'train', Status: 'FAILED', StatusReason: 'Essential container in task exited', Container: { ExitCode: 3 }, LogTail: ['loss is NaN'] })))
      .toEqual(['job train FAILED: Essential container in task exited (exit code 3)', '| loss is NaN']);
    expect(describeCause('plain words')).toEqual(['plain words']);
  });
});
