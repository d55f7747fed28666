// The synthesized state machine run locally end to end: real handlers in process, embedded S3, a GSM8K slice and the scripted policy.
import { join } from 'node:path';
import { ObjectStore } from '../../core/store/object-store';
import { STAGE_ACCESS } from '../../infra/constructs/stage-access';
import { COMPACT_SYSTEM_PROMPT } from '../../core/prompts/default-prompts';
import { RunStatusSchema } from '../../core/schemas/run-status';
import { TrajectorySchema } from '../../core/schemas/trajectory';
import { EvaluationMetricsSchema, EvaluationRecordSchema } from '../../core/evaluate/evaluation-record';
import { ShardIncompleteError } from '../../core/rollout/shard-incomplete-error';
import { ConfigWatcher } from '../../local/engine/config-watcher';
import { ExecutionEvent } from '../../local/engine/execution-events';
import { loadHandler } from '../../local/engine/lambda-invoker';
import { BatchJob } from '../../local/engine/batch-job-runner';
import { createLocalPipeline, LocalPipeline, loadLocalPipeline } from '../../local/engine/load-pipeline';
import { ExecutionResult } from '../../local/engine/local-state-machine';
import { EmbeddedS3Server } from '../../local/s3/embedded-s3-server';
import { describeWithSharedData, sharedDataPath } from '../support/shared-data';
import { createS3Source } from '../../containers/trainer/src/model/model-source';
import { saveModel } from '../../containers/trainer/src/model/save-model';
import { createByteLevelTokenizerConfig, createByteLevelTokenizerJson } from '../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { createTinyModel } from '../trainer/tiny-model';

const ROOT = join(__dirname, '..', '..');
const TINY_MODEL_PREFIX = 'models/tiny-random';
/** The functions' structured logs would bury the test report; failures are asserted from status.json instead. */
const QUIET_FUNCTIONS = { POWERTOOLS_LOG_LEVEL: 'SILENT' };

function gsm8kConfig(runId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    runId,
    dataset: { source: sharedDataPath('gsm8k/train.jsonl'), format: 'gsm8k', limit: 6 },
    policy: { provider: 'scripted', responses: ['<math_exp>48/2</math_exp>', '<math_exp>24+48</math_exp>', '<answer>72</answer>'] },
    judge: { provider: 'rule', model: 'rule' },
    samplesPerQuestion: 2,
    concurrency: { questionsPerShard: 2 },
    // A tiny random decoder keeps the real trainer (run as the Batch child process) to seconds.
    trainer: {
      baseModel: TINY_MODEL_PREFIX, objective: 'swirl', baseline: 'sft', maxSteps: 2, batchSize: 2, warmupSteps: 1, maxSequenceLength: 160,
      lora: { rank: 2, alpha: 4, dropout: 0, targets: ['q_proj', 'v_proj'] }, swirl: { samplesPerState: 2, maxNewTokens: 6 },
    },
    ...overrides,
  };
}

describeWithSharedData('local pipeline from the synthesized template', () => {
  const server = new EmbeddedS3Server();
  let store: ObjectStore;
  let pipeline: LocalPipeline & { synthesized: { template: unknown; cached: boolean; seconds: number } };
  const previousAllow = process.env.SWIRL_ALLOW_LOCAL_FILES;

  beforeAll(async () => {
    process.env.SWIRL_ALLOW_LOCAL_FILES = '1';
    store = new ObjectStore(await server.start());
    await saveModel(createTinyModel(11), createS3Source(store, TINY_MODEL_PREFIX), { tokenizerJson: createByteLevelTokenizerJson(), tokenizerConfig: createByteLevelTokenizerConfig() });
    pipeline = loadLocalPipeline({ root: ROOT, s3: store.settings, retryDelayMs: 5, environment: QUIET_FUNCTIONS });
  }, 120_000);

  afterAll(async () => {
    process.env.SWIRL_ALLOW_LOCAL_FILES = previousAllow;
    await server.stop();
  });

  /** Drops configs into configs/ and collects the executions the watcher starts. */
  async function dropConfigs(configs: Array<Record<string, unknown>>): Promise<Map<string, ExecutionResult>> {
    const results = new Map<string, ExecutionResult>();
    const watcher = new ConfigWatcher({
      source: server.events,
      rules: pipeline.rules,
      startExecution: async (input, trigger) => results.set(trigger.key, await pipeline.machine.execute(input)),
    }).start();
    for (const config of configs) await store.putJson(`configs/${config.runId}.json`, config);
    await store.putJson('runs/not-a-config.json', { ignored: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await watcher.settle();
    watcher.stop();
    return results;
  }

  it('starts runs from configs/ uploads: a valid config SUCCEEDS with every stage\'s output, an invalid one FAILS with a readable status', async () => {
    const invalid = { ...gsm8kConfig('invalid-config'), samplesPerQuestion: 0, unexpected: true };
    const results = await dropConfigs([gsm8kConfig('gsm8k-slice'), invalid]);
    expect([...results.keys()].sort()).toEqual(['configs/gsm8k-slice.json', 'configs/invalid-config.json']);

    const ok = results.get('configs/gsm8k-slice.json')!;
    expect(ok).toMatchObject({ status: 'SUCCEEDED' });
    const keys = await store.list('runs/gsm8k-slice/');
    const manifest = JSON.parse((await store.getText('runs/gsm8k-slice/shards/manifest.json'))!) as Array<{ shard: string }>;
    expect(manifest).toHaveLength(3);
    for (const { shard } of manifest) {
      for (const folder of ['shards', 'trajectories', 'steps', 'judged']) expect(keys).toContain(`runs/gsm8k-slice/${folder}/${shard}.jsonl`);
    }
    for (const file of ['config.json', 'train/sft.jsonl', 'train/states.jsonl', 'train/validation.jsonl', 'train/manifest.json',
      'model/swirl/adapter_model.safetensors', 'model/sft/adapter_model.safetensors', 'eval/metrics.json', 'metrics.json', 'report.html', 'status.json']) {
      expect(keys).toContain(`runs/gsm8k-slice/${file}`);
    }
    const trajectories = (await store.getText(`runs/gsm8k-slice/trajectories/${manifest[0].shard}.jsonl`))!.trim().split('\n');
    expect(trajectories).toHaveLength(4);
    expect(JSON.parse(trajectories[0]).finalAnswer).toBe('72');
    const status = RunStatusSchema.parse(JSON.parse((await store.getText('runs/gsm8k-slice/status.json'))!));
    expect(status.state).toBe('SUCCEEDED');

    const failed = results.get('configs/invalid-config.json')!;
    expect(failed.status).toBe('FAILED');
    const failedStatus = RunStatusSchema.parse(JSON.parse((await store.getText('runs/invalid-config/status.json'))!));
    expect(failedStatus).toMatchObject({ state: 'FAILED', error: { stage: 'prepare' } });
    expect(failedStatus.error!.cause).toContain('$.samplesPerQuestion');
    expect(failedStatus.error!.cause).toContain('unexpected');
    expect(await store.exists('runs/invalid-config/shards/manifest.json')).toBe(false);
  });

  it('runs a config once when its trigger arrives twice: the second execution finds the run claimed and ends as a duplicate', async () => {
    const config = gsm8kConfig('delivered-twice', { eval: [] });
    await store.putJson('configs/delivered-twice.json', config);
    const input = { bucket: store.bucket, key: 'configs/delivered-twice.json' };
    const deleted: string[] = [];
    const onObject = (event: { eventName: string; key: string }) => {
      if (event.eventName.startsWith('ObjectRemoved')) deleted.push(event.key);
    };
    server.events.on('object', onObject);
    // Two executions of one S3 event, as EventBridge may deliver it; the second starts while the first prepares.
    const first = pipeline.machine.start(input);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = pipeline.machine.start(input);
    const results = await Promise.all([first.result, second.result]);
    expect(results.map((result) => result.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const duplicates = results.filter((result) => (result.output as { duplicate?: unknown } | null)?.duplicate !== undefined);
    expect(duplicates).toHaveLength(1);
    expect(JSON.stringify(duplicates[0].output)).toContain('already being run by execution');
    const status = RunStatusSchema.parse(JSON.parse((await store.getText('runs/delivered-twice/status.json'))!));
    expect(status.state).toBe('SUCCEEDED');
    const manifest = JSON.parse((await store.getText('runs/delivered-twice/shards/manifest.json'))!) as Array<{ shard: string }>;
    let trajectories = 0;
    for (const { shard } of manifest) trajectories += (await store.getText(`runs/delivered-twice/trajectories/${shard}.jsonl`))!.trim().split('\n').length;
    expect(trajectories).toBe(6 * 2);
    // The run is free again once its execution has ended.
    expect(await store.exists('runs/delivered-twice/claim.json')).toBe(false);
    // Every object the stages deleted is one some stage's role may delete on AWS.
    server.events.off('object', onObject);
    const deletable = Object.values(STAGE_ACCESS).flatMap((access) => access.delete).map((pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^]*')}$`));
    expect(deleted).toContain('runs/delivered-twice/claim.json');
    for (const key of deleted) expect(deletable.some((pattern) => pattern.test(key)) ? key : `${key} (no stage may delete it)`).toBe(key);
  }, 180_000);

  it('retries a shard whose handler throws as the definition says, then the Catch fails the run at that stage', async () => {
    const calls = new Map<string, number>();
    const events: ExecutionEvent[] = [];
    const throwing = createLocalPipeline(pipeline.synthesized.template as never, {
      root: ROOT, s3: store.settings, retryDelayMs: 5, environment: QUIET_FUNCTIONS,
      adjustLambda: (target) => {
        if (target.stage !== 'rollout') return target;
        return {
          ...target,
          handler: async (event, context) => {
            const { shard } = event as { shard: string };
            calls.set(shard, (calls.get(shard) ?? 0) + 1);
            if (shard === 'shard-00001') throw new ShardIncompleteError(shard, 0, 2);
            return loadHandler({ handlerPath: target.handlerPath }, ROOT)(event, context);
          },
        };
      },
    });
    const retrier = throwing.machine.prepared.tasks.get('Roll out shard')!.state.Retry!.find((entry) => entry.ErrorEquals.includes('ShardIncompleteError'))!;
    await store.putJson('configs/throwing-shard.json', gsm8kConfig('throwing-shard'));
    const running = throwing.machine.start({ bucket: store.bucket, key: 'configs/throwing-shard.json' });
    running.events.onEvent((event) => events.push(event));
    const result = await running.result;
    expect(result.status).toBe('FAILED');
    expect(calls.get('shard-00001')).toBe((retrier.MaxAttempts ?? 3) + 1);
    expect(calls.get('shard-00000')).toBe(1);
    expect(events.filter((event) => event.type === 'state-retried' && event.stateName === 'Roll out shard')).toHaveLength(retrier.MaxAttempts ?? 3);
    expect(events.find((event) => event.type === 'state-caught')).toMatchObject({ stateName: 'Rollout' });
    const status = RunStatusSchema.parse(JSON.parse((await store.getText('runs/throwing-shard/status.json'))!));
    expect(status).toMatchObject({ state: 'FAILED', error: { stage: 'rollout' } });
    expect(status.error!.cause).toContain('ShardIncompleteError');
    expect(await store.exists('runs/throwing-shard/train/manifest.json')).toBe(false);
  });

  it('rolls out and evaluates a trainer-served policy through the Batch stand-in, with records of the Lambda path\'s schema', async () => {
    const events: ExecutionEvent[] = [];
    const launches = new Map<string, number>();
    // The first job of shard-00001 dies after writing its shard (exit 1): the task's Retry submits it again.
    const dying = createLocalPipeline(pipeline.synthesized.template as never, {
      root: ROOT, s3: store.settings, retryDelayMs: 5, environment: QUIET_FUNCTIONS,
      launchBatchJob: (job: BatchJob) => {
        const entry = join(ROOT, 'containers/trainer/src/main.ts');
        const args = ['--import', 'tsx', entry, ...job.command];
        const key = job.command.join(' ');
        launches.set(key, (launches.get(key) ?? 0) + 1);
        if (job.command.includes('shard-00001') && launches.get(key) === 1) {
          return { executable: 'bash', args: ['-c', `"${process.execPath}" ${args.map((arg) => `'${arg}'`).join(' ')}; exit 1`], environment: {} };
        }
        return { executable: process.execPath, args, environment: {} };
      },
    });
    // The shipped tiny policy writes valid actions, so every stage has data; filter "none" trains on whatever it did.
    const config = gsm8kConfig('trainer-served', {
      dataset: { source: 'builtin:hop:train', format: 'hop', limit: 6 },
      policy: { provider: 'trainer', model: 'builtin:tiny-policy', maxTokens: 24, temperature: 0.6 },
      prompts: { system: COMPACT_SYSTEM_PROMPT },
      filter: 'none',
      samplingSeed: 3,
      eval: [{ name: 'arith', source: 'builtin:arith:test', format: 'arith', limit: 2, maxSteps: 2 }],
    });
    await store.putJson('configs/trainer-served.json', config);
    const running = dying.machine.start({ bucket: store.bucket, key: 'configs/trainer-served.json' });
    running.events.onEvent((event) => events.push(event));
    const result = await running.result;
    const status = RunStatusSchema.parse(JSON.parse((await store.getText('runs/trainer-served/status.json'))!));
    // The recorded error, when there is one, makes a failure readable.
    expect({ status: result.status, error: status.error }).toEqual({ status: 'SUCCEEDED', error: null });

    // Rollout and evaluation ran as trainer child processes, never as in-process Lambdas.
    const entered = (name: string) => events.filter((event) => event.type === 'state-entered' && event.stateName === name).length;
    expect(entered('Roll out shard')).toBe(0);
    expect(entered('Roll out shard on Batch')).toBe(3);
    expect([...launches.entries()].filter(([command]) => command.startsWith('rollout')).map(([, count]) => count)).toEqual([1, 2, 1]);
    expect(entered('Evaluate pair')).toBe(0);
    expect(entered('Evaluate pair on Batch')).toBe(3);
    expect(events.filter((event) => event.type === 'state-retried' && event.stateName === 'Roll out shard on Batch')).toHaveLength(1);
    const output = events.flatMap((event) => (event.type === 'task-output' ? [`${event.stage} ${event.line}`] : []));
    for (const shard of ['shard-00000', 'shard-00001', 'shard-00002']) expect(output).toContain(`rollout trainer: rollout ${shard}: 4 trajectories`);
    expect(output).toContain('rollout trainer: rollout shard-00001: 4 trajectories (already written)');
    for (const model of ['base', 'sft', 'swirl']) expect(output).toContain(`evaluate trainer: evaluate ${model} on arith: SUCCEEDED`);

    // The same records as the Lambda path: schema-valid trajectories, each question's samples once, no duplicates after the retry.
    const trajectories = [];
    for (const shard of ['shard-00000', 'shard-00001', 'shard-00002']) {
      const part = (await store.getText(`runs/trainer-served/trajectories/${shard}.jsonl`))!.trim().split('\n').map((line) => TrajectorySchema.parse(JSON.parse(line)));
      expect(part).toHaveLength(4);
      trajectories.push(...part);
    }
    expect(new Set(trajectories.map((trajectory) => trajectory.id)).size).toBe(12);
    expect(trajectories.every((trajectory) => trajectory.model.startsWith('trainer:'))).toBe(true);
    const records = (await store.getText('runs/trainer-served/eval/swirl/arith.jsonl'))!.trim().split('\n').map((line) => EvaluationRecordSchema.parse(JSON.parse(line)));
    expect(records).toHaveLength(2);
    const metrics = EvaluationMetricsSchema.parse(JSON.parse((await store.getText('runs/trainer-served/eval/metrics.json'))!));
    expect(Object.keys(metrics.results).sort()).toEqual(['base', 'sft', 'swirl']);
    expect(metrics.models.every((model) => model.error === null)).toBe(true);
  }, 600_000);
});
