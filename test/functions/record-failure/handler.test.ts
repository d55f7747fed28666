// The record-failure handler: a failed stage lands in status.json.
import { handler } from '../../../functions/record-failure/handler';
import { RunStatusSchema } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { useLambdaEnvironment } from '../../support/lambda-environment';

const environment = useLambdaEnvironment('swirl-record-failure');
const lambdaCause = (message: string) => JSON.stringify({ errorType: 'ConfigValidationError', errorMessage: message, trace: ['at a', 'at b'] });

async function readStatus(runId: string) {
  return environment.objects().getJson(`runs/${runId}/status.json`, RunStatusSchema);
}

describe('record-failure handler', () => {
  it('marks a prepared run FAILED at the failing stage and keeps the stages before it', async () => {
    const store = new RunStore(environment.objects(), 'run-a');
    await store.updateStatus({ state: 'RUNNING', stage: 'prepare', stageState: 'SUCCEEDED', counts: { shards: 3 } });
    const result = await handler({
      stage: 'rollout', error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded',
      execution: 'exec-1', input: { bucket: 'swirl-record-failure', key: 'configs/run-a.json', run: { runId: 'run-a', manifestKey: 'runs/run-a/shards/manifest.json', shardCount: 3 } },
    });
    expect(result).toEqual({ runId: 'run-a', statusKey: 'runs/run-a/status.json' });
    const status = (await readStatus('run-a'))!;
    expect(status.state).toBe('FAILED');
    expect(status.stage).toBe('rollout');
    expect(status.error).toEqual({ stage: 'rollout', error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded' });
    expect(status.stages.rollout?.state).toBe('FAILED');
    expect(status.stages.prepare).toEqual(expect.objectContaining({ state: 'SUCCEEDED', counts: { shards: 3 } }));
  });

  it('finds the run a failed prepare was given by a schedule', async () => {
    const result = await handler({ stage: 'prepare', error: 'Error', cause: lambdaCause('boom'), execution: 'e', input: { bucket: 'swirl-record-failure', key: 'schedules/nightly.json', runId: 'nightly-1234' } });
    expect(result.runId).toBe('nightly-1234');
    expect((await readStatus('nightly-1234'))!.error?.cause).toBe('boom');
  });

  it('takes the run id from an invalid config when it names one, and keeps the readable message of a Lambda error', async () => {
    await environment.objects().putJson('configs/broken.json', { runId: 'named-run', dataset: { source: 'builtin:arith:train', format: 'nope' } });
    const message = 'run config s3://swirl-record-failure/configs/broken.json is invalid:\n  $.dataset.format: expected one of "gsm8k" | "hotpotqa", received "nope"';
    const result = await handler({ stage: 'prepare', error: 'ConfigValidationError', cause: lambdaCause(message), execution: 'e', input: { bucket: 'swirl-record-failure', key: 'configs/broken.json' } });
    expect(result.runId).toBe('named-run');
    const status = (await readStatus('named-run'))!;
    expect(status.error).toEqual({ stage: 'prepare', error: 'ConfigValidationError', cause: message });
    expect(status.stages.prepare?.state).toBe('FAILED');
  });

  it('falls back to the config file name, then to the execution name', async () => {
    await environment.objects().putText('configs/unparseable.json', '{ not json');
    expect((await handler({ stage: 'prepare', error: 'E', cause: null, execution: 'x', input: { key: 'configs/unparseable.json' } })).runId).toBe('unparseable');
    await environment.objects().putText('configs/Has Spaces.json', '[]');
    const result = await handler({ stage: 'prepare', error: 'E', cause: 'plain text cause', execution: 'A1B2C3D4-E5F6', input: { bucket: 'swirl-record-failure', key: 'configs/Has Spaces.json' } });
    expect(result.runId).toBe('failed-a1b2c3d4-e5f6');
    expect((await readStatus('failed-a1b2c3d4-e5f6'))!.error?.cause).toBe('plain text cause');
  });

  it('truncates very long causes', async () => {
    await handler({ stage: 'train', error: 'States.TaskFailed', cause: 'x'.repeat(10_000), execution: 'e', input: { run: { runId: 'long-cause' } } });
    const cause = (await readStatus('long-cause'))!.error!.cause;
    expect(cause.length).toBe(4000);
    expect(cause.endsWith('...')).toBe(true);
  });

  it('rejects an event without a known stage, naming what it expected', async () => {
    await expect(handler({ stage: 'deploy', error: 'E', input: {} })).rejects.toThrow(/\$\.stage: expected one of "prepare" \| "rollout"/);
  });
});
