// Runs hand-written definitions shaped like the synthesized one through the local engine, against the embedded S3 server.
import { join } from 'node:path';
import { z } from 'zod';
import { ExecutionEvent } from '../../../local/engine/execution-events';
import { LambdaTarget } from '../../../local/engine/lambda-invoker';
import { LocalStateMachine, LocalStateMachineOptions } from '../../../local/engine/local-state-machine';
import { buildFixtureDefinition, FAILURE_ARN, FixtureOptions, PREPARE_ARN, ROLLOUT_ARN } from './fixtures/fixture-definition';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardError';
  }
}

const s3 = useEmbeddedObjectStore();
const root = join(__dirname, '..', '..', '..');
const marker = join(__dirname, 'fixtures', 'write-marker.ts');


interface Harness {
  machine: LocalStateMachine;
  events: ExecutionEvent[];
  rolloutCalls: Map<string, number>;
  failures: unknown[];
}

function createHarness(runId: string, shards: number, failingShards: string[], fixture: FixtureOptions = {}, extra: Partial<LocalStateMachineOptions> = {}): Harness {
  const rolloutCalls = new Map<string, number>();
  const failures: unknown[] = [];
  const lambdas: Record<string, LambdaTarget> = {
    [PREPARE_ARN]: {
      stage: 'prepare',
      handler: async (event) => {
        const manifestKey = `runs/${runId}/shards/manifest.json`;
        await s3.objects.putJson(manifestKey, Array.from({ length: shards }, (_, index) => ({ runId, shard: `shard-${String(index).padStart(5, '0')}` })));
        return { runId, manifestKey, shardCount: shards, received: event };
      },
    },
    [ROLLOUT_ARN]: {
      stage: 'rollout',
      handler: async (event) => {
        const items = (event as { Items?: Array<{ shard: string }> }).Items ?? [event as { shard: string }];
        for (const item of items) {
          rolloutCalls.set(item.shard, (rolloutCalls.get(item.shard) ?? 0) + 1);
          if (failingShards.includes(item.shard)) throw new ShardError(`shard ${item.shard} broke`);
          await s3.objects.putText(`runs/${runId}/trajectories/${item.shard}.jsonl`, '{}\n');
        }
        return { runId, count: items.length, input: event };
      },
    },
    [FAILURE_ARN]: { stage: 'report', handler: async (event) => { failures.push(event); return { recorded: true }; } },
  };
  const machine = new LocalStateMachine({
    definition: buildFixtureDefinition(fixture),
    lambdas,
    s3: s3.objects.settings,
    root,
    retryDelayMs: 5,
    batch: { launch: (job) => ({ executable: process.execPath, args: ['--import', 'tsx', marker, ...job.command.slice(2)], environment: {} }) },
    ...extra,
  });
  return { machine, events: [], rolloutCalls, failures };
}

async function execute(harness: Harness, input: unknown) {
  const running = harness.machine.start(input as never);
  running.events.onEvent((event) => harness.events.push(event));
  return running.result;
}

describe('LocalStateMachine', () => {
  it('runs Lambda tasks, a distributed map over an S3 manifest and the Batch job to SUCCEEDED', async () => {
    const harness = createHarness('ok-run', 5, []);
    const result = await execute(harness, { bucket: 'b', key: 'configs/ok-run.json' });
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as { runId: string; statusCode: number; rollout: { ResultWriterDetails: { Key: string } }; train: { Status: string; Container: { Command: string[] } } };
    // ResultSelector read $.Payload and $.StatusCode, so the lambda:invoke result was wrapped as the real integration wraps it.
    expect(output.runId).toBe('ok-run');
    expect(output.statusCode).toBe(200);
    for (let index = 0; index < 5; index += 1) expect(await s3.objects.exists(`runs/ok-run/trajectories/shard-0000${index}.jsonl`)).toBe(true);
    const manifest = JSON.parse((await s3.objects.getText(output.rollout.ResultWriterDetails.Key))!);
    const succeeded = JSON.parse((await s3.objects.getText(manifest.ResultFiles.SUCCEEDED[0].Key))!);
    expect(succeeded).toHaveLength(5);
    // The optimized (function ARN) form hands the ItemSelector output straight to the handler and returns its result unwrapped.
    expect(JSON.parse(succeeded[2].Output).input).toEqual({ runId: 'ok-run', shard: 'shard-00002', index: 2 });
    expect(output.train.Status).toBe('SUCCEEDED');
    const written = await s3.objects.getJson('runs/ok-run/model/marker.json', z.object({ args: z.array(z.string()), endpoint: z.string(), bucket: z.string() }));
    expect(written).toEqual({ args: ['train', '--run', 'ok-run'], endpoint: s3.objects.settings.endpoint, bucket: s3.objects.settings.bucket });
    const mapEvents = harness.events.filter((event) => event.type === 'map-item-finished');
    expect(mapEvents).toHaveLength(5);
    expect(harness.events.find((event) => event.type === 'map-started')).toMatchObject({ stateName: 'RolloutShards', items: 5 });
    const stages = new Set(harness.events.filter((event) => event.type === 'state-exited').map((event) => (event as { stage?: string }).stage));
    expect([...stages].filter(Boolean).sort()).toEqual(['prepare', 'rollout', 'train']);
  });

  it('retries a throwing shard, then the map fails past its tolerance and the Catch records the failure', async () => {
    const harness = createHarness('bad-run', 4, ['shard-00001']);
    const result = await execute(harness, { bucket: 'b', key: 'configs/bad-run.json' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('RunFailed');
    expect(harness.rolloutCalls.get('shard-00001')).toBe(3);
    const retried = harness.events.filter((event) => event.type === 'state-retried' && event.stateName === 'Rollout');
    expect(retried).toHaveLength(2);
    expect(harness.failures).toHaveLength(1);
    const failure = harness.failures[0] as { error: string; cause: string };
    expect(failure.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(failure.cause).toContain('ShardError');
    expect(harness.events.some((event) => event.type === 'state-caught' && event.stateName === 'RolloutShards')).toBe(true);
  });

  it('tolerates failures within ToleratedFailurePercentage and writes them to FAILED_0.json', async () => {
    const harness = createHarness('tolerant-run', 4, ['shard-00003'], { toleratedFailurePercentage: 30 });
    const result = await execute(harness, { bucket: 'b', key: 'configs/tolerant-run.json' });
    expect(result.status).toBe('SUCCEEDED');
    const key = (result.output as { rollout: { ResultWriterDetails: { Key: string } } }).rollout.ResultWriterDetails.Key;
    const manifest = JSON.parse((await s3.objects.getText(key))!);
    const failed = JSON.parse((await s3.objects.getText(manifest.ResultFiles.FAILED[0].Key))!);
    expect(failed).toHaveLength(1);
    expect(failed[0].Error).toBe('ShardError');
    expect(JSON.parse(failed[0].Cause).errorMessage).toBe('shard shard-00003 broke');
  });

  it('batches items with ItemBatcher and never runs more children than MaxConcurrency', async () => {
    let running = 0;
    let peak = 0;
    const batches: unknown[] = [];
    const harness = createHarness('batch-run', 7, [], { itemsPerBatch: 3, maxConcurrency: 2 });
    const options = harness.machine.options;
    const lambdas = options.lambdas as Record<string, LambdaTarget>;
    const wrapped = new LocalStateMachine({
      ...options,
      lambdas: {
        ...lambdas,
        [ROLLOUT_ARN]: {
          stage: 'rollout',
          handler: async (event) => {
            batches.push(event);
            running += 1;
            peak = Math.max(peak, running);
            await new Promise((resolve) => setTimeout(resolve, 30));
            running -= 1;
            return { ok: true };
          },
        },
      },
    });
    const result = await wrapped.execute({ bucket: 'b', key: 'configs/batch-run.json' });
    expect(result.status).toBe('SUCCEEDED');
    expect(batches.map((batch) => (batch as { Items: unknown[] }).Items.length)).toEqual(expect.arrayContaining([3, 3, 1]));
    expect((batches[0] as { BatchInput: unknown }).BatchInput).toEqual({ runId: 'batch-run' });
    expect(peak).toBe(2);
  });

  it('fails the Batch task as States.TaskFailed on a non-zero exit, which the Catch sees', async () => {
    const harness = createHarness('train-fail', 1, [], {}, {
      batch: { launch: (job) => ({ executable: process.execPath, args: ['--import', 'tsx', marker, ...job.command.slice(2), '--fail'], environment: {} }) },
    });
    const result = await execute(harness, { bucket: 'b', key: 'configs/train-fail.json' });
    expect(result.status).toBe('FAILED');
    const failure = harness.failures[0] as { error: string; cause: string };
    expect(failure.error).toBe('States.TaskFailed');
    const cause = JSON.parse(failure.cause);
    expect(cause.Status).toBe('FAILED');
    expect(cause.Container.ExitCode).toBe(3);
    expect(cause.LogTail.join('\n')).toContain('loss is NaN');
    expect(harness.events.some((event) => event.type === 'task-output' && event.line.includes('loss is NaN'))).toBe(true);
  });

  it('honours TimeoutSeconds on a task', async () => {
    const harness = createHarness('slow-run', 1, [], { prepareTimeoutSeconds: 1 });
    const options = harness.machine.options;
    const slow = new LocalStateMachine({
      ...options,
      lambdas: { ...(options.lambdas as Record<string, LambdaTarget>), [PREPARE_ARN]: { handler: () => new Promise((resolve) => setTimeout(resolve, 2500)) } },
    });
    const started = Date.now();
    const result = await slow.execute({});
    expect(result.status).toBe('FAILED');
    expect(Date.now() - started).toBeLessThan(2400);
    expect(harness.failures).toHaveLength(1);
    expect((harness.failures[0] as { error: string }).error).toBe('States.Timeout');
  });

  it('loads a handler by path and names a thrown error after its class', async () => {
    const machine = new LocalStateMachine({
      definition: {
        StartAt: 'Echo',
        States: {
          Echo: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'echo', 'Payload.$': '$' }, Catch: [{ ErrorEquals: ['UnnamedFailure'], Next: 'Caught', ResultPath: '$.error' }], End: true },
          Caught: { Type: 'Pass', End: true },
        },
      },
      lambdas: { echo: { handlerPath: 'test/local/engine/fixtures/echo-handler.ts' } },
      s3: s3.objects.settings,
      root,
    });
    const ok = await machine.execute({ value: 7 });
    expect(ok.output).toMatchObject({ Payload: { echoed: 7, bucket: s3.objects.settings.bucket }, StatusCode: 200 });
    const caught = await machine.execute({ value: 8, fail: true });
    expect(caught.status).toBe('SUCCEEDED');
    const error = (caught.output as { error: { Error: string; Cause: string } }).error;
    expect(error.Error).toBe('UnnamedFailure');
    expect(JSON.parse(error.Cause)).toMatchObject({ errorType: 'UnnamedFailure', errorMessage: 'refused 8' });
  });
});
