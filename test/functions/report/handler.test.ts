// The report handler: metrics, HTML report and the completion event.
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { handler } from '../../../functions/report/handler';
import { RunMetricsSchema, RUN_EVENT_SOURCE } from '../../../core/report';
import { RunStatusSchema } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { useLambdaEnvironment } from '../../support/lambda-environment';
import { makeEvaluation, makeManifest, makeTrainingLines, makeTrajectories } from '../../core/report/report-fixtures';

const environment = useLambdaEnvironment('swirl-report');

/** A loopback stand-in for the EventBridge API (JSON 1.1 protocol): records PutEvents calls and accepts them. */
interface PutEventsCall { target: string; body: { Entries: Array<{ EventBusName: string; Source: string; DetailType: string; Detail: string }> } }
const calls: PutEventsCall[] = [];
let eventServer: Server;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

beforeAll(async () => {
  eventServer = createServer(async (request, response) => {
    calls.push({ target: String(request.headers['x-amz-target']), body: JSON.parse(await readBody(request)) as PutEventsCall['body'] });
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: `event-${calls.length}` }] }));
  });
  await new Promise<void>((resolve) => eventServer.listen(0, '127.0.0.1', resolve));
  process.env.SWIRL_EVENTS_ENDPOINT = `http://127.0.0.1:${(eventServer.address() as AddressInfo).port}`;
  process.env.SWIRL_EVENT_BUS = 'swirl-test-bus';
});
afterAll(async () => {
  delete process.env.SWIRL_EVENTS_ENDPOINT;
  delete process.env.SWIRL_EVENT_BUS;
  await new Promise((resolve) => eventServer.close(resolve));
});

async function writeFinishedRun(runId: string): Promise<RunStore> {
  const objects = environment.objects();
  const store = new RunStore(objects, runId);
  for (const stage of ['prepare', 'rollout', 'decompose', 'judge', 'assemble', 'train', 'evaluate'] as const) {
    await store.updateStatus({ state: 'RUNNING', stage, stageState: 'RUNNING' });
    await store.updateStatus({ stage, stageState: 'SUCCEEDED' });
  }
  const trajectories = makeTrajectories(runId);
  await store.putJsonLines('trajectories/shard-00000.jsonl', trajectories.slice(0, 6));
  await store.putJsonLines('trajectories/shard-00001.jsonl', trajectories.slice(6));
  // A rollout progress part must not be counted twice.
  await store.putJsonLines('trajectories/shard-00001.progress.jsonl', trajectories.slice(6));
  await store.putJson('train/manifest.json', makeManifest(runId));
  await store.putJson('eval/metrics.json', makeEvaluation(runId));
  await objects.putText(`runs/${runId}/model/sft/metrics.jsonl`, makeTrainingLines('sft', 20));
  await objects.putText(`runs/${runId}/model/swirl/metrics.jsonl`, makeTrainingLines('swirl', 30));
  await objects.putJson(`runs/${runId}/model/swirl/summary.json`, { objective: 'swirl', finalLoss: 0.07, validationLoss: 0.09 });
  return store;
}

describe('report handler', () => {
  it('writes metrics.json and report.html for a finished run, marks it SUCCEEDED and announces it', async () => {
    const store = await writeFinishedRun('done-run');
    calls.length = 0;
    const result = await handler({ runId: 'done-run' });
    expect(result).toEqual({ runId: 'done-run', state: 'SUCCEEDED', metricsKey: 'runs/done-run/metrics.json', reportKey: 'runs/done-run/report.html', eventSent: true });

    const metrics = (await store.getJson('metrics.json', RunMetricsSchema))!;
    expect(metrics.state).toBe('SUCCEEDED');
    expect(metrics.trajectories!.count).toBe(10);
    expect(metrics.trajectories!.stepsHistogram).toEqual([{ steps: 1, count: 4 }, { steps: 2, count: 3 }, { steps: 3, count: 3 }]);
    expect(metrics.training.map((run) => [run.objective, run.steps, run.finalLoss])).toEqual([['sft', 20, 0.1], ['swirl', 30, 0.07]]);
    expect(metrics.headline['accuracy.arith-test.swirl']).toBe(0.7);
    expect(metrics.problems).toEqual([]);

    const html = (await environment.objects().getText('runs/done-run/report.html'))!;
    expect(html).toContain('Swirl run done-run');
    expect((html.match(/<svg/g) ?? []).length).toBe(6);
    const status = (await store.readStatus())!;
    expect(status.state).toBe('SUCCEEDED');
    expect(status.stages.report?.state).toBe('SUCCEEDED');

    expect(calls).toHaveLength(1);
    expect(calls[0].target).toBe('AWSEvents.PutEvents');
    const [entry] = calls[0].body.Entries;
    expect(entry).toEqual(expect.objectContaining({ EventBusName: 'swirl-test-bus', Source: RUN_EVENT_SOURCE, DetailType: 'Swirl Run Finished' }));
    expect(JSON.parse(entry.Detail)).toEqual(expect.objectContaining({ runId: 'done-run', state: 'SUCCEEDED', bucket: 'swirl-report', metricsKey: 'runs/done-run/metrics.json', failedStage: null }));
  });

  it('reports a failed run with what it has, keeps it FAILED, and announces the failure', async () => {
    const store = new RunStore(environment.objects(), 'broken-run');
    await store.updateStatus({ state: 'RUNNING', stage: 'prepare', stageState: 'SUCCEEDED' });
    await store.updateStatus({ state: 'FAILED', stage: 'rollout', stageState: 'FAILED', error: { stage: 'rollout', error: 'States.ExceedToleratedFailureThreshold', cause: 'too many shards failed' } });
    calls.length = 0;
    const result = await handler({ runId: 'broken-run' });
    expect(result.state).toBe('FAILED');
    const metrics = (await store.getJson('metrics.json', RunMetricsSchema))!;
    expect(metrics.failure).toEqual({ stage: 'rollout', error: 'States.ExceedToleratedFailureThreshold', cause: 'too many shards failed' });
    expect(metrics.problems).toEqual(expect.arrayContaining(['runs/broken-run/train/manifest.json: not found', 'runs/broken-run/eval/metrics.json: not found']));
    expect((await environment.objects().getText('runs/broken-run/report.html'))).toContain('Failed in stage rollout');
    const status = (await environment.objects().getJson('runs/broken-run/status.json', RunStatusSchema))!;
    expect(status.state).toBe('FAILED');
    expect(status.stages.report).toBeUndefined();
    expect(calls[0].body.Entries[0].DetailType).toBe('Swirl Run Failed');
    expect(JSON.parse(calls[0].body.Entries[0].Detail)).toEqual(expect.objectContaining({ state: 'FAILED', failedStage: 'rollout', error: 'States.ExceedToleratedFailureThreshold: too many shards failed' }));
  });

  it('is idempotent: a rerun rewrites the same outputs', async () => {
    await writeFinishedRun('rerun');
    await handler({ runId: 'rerun' });
    const first = (await environment.objects().getJson('runs/rerun/metrics.json', RunMetricsSchema))!;
    await handler({ runId: 'rerun' });
    const second = (await environment.objects().getJson('runs/rerun/metrics.json', RunMetricsSchema))!;
    expect({ ...second, generatedAt: '', stages: [] }).toEqual({ ...first, generatedAt: '', stages: [] });
  });

  it('rejects an event without a run id', async () => {
    await expect(handler({ run: 'x' })).rejects.toThrow(/\$\.runId: expected string, received nothing/);
  });
});
