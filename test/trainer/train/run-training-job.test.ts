import type { TrainingRecord } from '../../../core/schemas/training-record';
import { ObjectStore } from '../../../core/store/object-store';
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';
import { loadAdapter } from '../../../containers/trainer/src/lora/save-adapter';
import { createS3Source } from '../../../containers/trainer/src/model/model-source';
import { saveModel } from '../../../containers/trainer/src/model/save-model';
import { runTrainingJob } from '../../../containers/trainer/src/train/run-training-job';
import { runTrainerCli } from '../../../containers/trainer/src/trainer-cli';
import { createByteLevelTokenizerConfig, createByteLevelTokenizerJson } from '../../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { createTinyModel, selectTestBackend } from '../tiny-model';
import { createConfig, createRecord } from './training-job-fixtures';

describe('training job over S3', () => {
  const server = new EmbeddedS3Server();
  let store: ObjectStore;
  const records = Array.from({ length: 5 }, (_, index) => createRecord(index));

  beforeAll(async () => {
    selectTestBackend();
    store = new ObjectStore(await server.start());
    await saveModel(createTinyModel(31), createS3Source(store, 'models/tiny'), { tokenizerJson: createByteLevelTokenizerJson(), tokenizerConfig: createByteLevelTokenizerConfig() });
  });
  afterAll(() => server.stop());

  async function writeRun(runId: string, trainer: Record<string, unknown>): Promise<void> {
    await store.putJson(`runs/${runId}/config.json`, createConfig(runId, trainer));
    await store.putJsonLines(`runs/${runId}/train/sft.jsonl`, records);
    await store.putJsonLines(`runs/${runId}/train/states.jsonl`, records.slice(0, 3));
    await store.putJsonLines(`runs/${runId}/train/validation.jsonl`, records.slice(3));
  }

  it('trains swirl and the sft baseline with the rule judge and writes PEFT adapters, metrics and checkpoints', async () => {
    await writeRun('job-swirl', {});
    const lines: string[] = [];
    const outcomes = await runTrainingJob({ runId: 'job-swirl', store, log: (line) => lines.push(line) });
    expect(outcomes.map((outcome) => [outcome.objective, outcome.completedSteps, outcome.interrupted])).toEqual([['sft', 3, false], ['swirl', 3, false]]);
    for (const objective of ['sft', 'swirl']) {
      const prefix = `runs/job-swirl/model/${objective}/`;
      const keys = await store.list(prefix);
      expect(keys).toEqual(expect.arrayContaining([
        `${prefix}adapter_config.json`, `${prefix}adapter_model.safetensors`, `${prefix}metrics.jsonl`, `${prefix}summary.json`,
        `${prefix}checkpoints/latest.json`, `${prefix}checkpoints/step-000002/weights.safetensors`, `${prefix}checkpoints/step-000003/state.json`,
      ]));
      const adapter = await loadAdapter(createS3Source(store, prefix), createTinyModel(31).config);
      expect(adapter.settings).toMatchObject({ rank: 2, alpha: 4 });
    }
    const swirlMetrics = ((await store.getText('runs/job-swirl/model/swirl/metrics.jsonl')) ?? '').trim().split('\n').map((line) => JSON.parse(line));
    expect(swirlMetrics.map((entry) => entry.step)).toEqual([1, 2, 3]);
    for (const entry of swirlMetrics) {
      expect(entry.reward).toBeGreaterThanOrEqual(0);
      expect(entry.reward).toBeLessThanOrEqual(1);
      // A step whose sampled actions all scored alike trains nothing (skipUniformGroups) and so measures no KL.
      if (entry.kl === undefined) expect(entry.tokensPerSecond).toBe(0);
      else expect(Number.isFinite(entry.kl)).toBe(true);
      expect(entry.learningRate).toBeGreaterThan(0);
    }
    const summary = JSON.parse((await store.getText('runs/job-swirl/model/sft/summary.json'))!);
    expect(summary.validationLoss).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('objective swirl, baseline sft');
  });

  it('runs as `train --run <id> --export-merged` from the command line', async () => {
    await writeRun('job-cli', { objective: 'sft', maxSteps: 2 });
    const previous = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', SWIRL_BUCKET: store.bucket, SWIRL_S3_ENDPOINT: store.settings.endpoint });
    try {
      const written: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { written.push(String(chunk)); return true; });
      const code = await runTrainerCli(['train', '--run', 'job-cli', '--export-merged']);
      spy.mockRestore();
      expect(code).toBe(0);
      expect(written.join('')).toContain('sft done: 2 steps');
    } finally {
      process.env = previous;
    }
    const keys = await store.list('runs/job-cli/model/');
    expect(keys).toEqual(expect.arrayContaining(['runs/job-cli/model/sft/adapter_model.safetensors', 'runs/job-cli/model/sft/merged/model.safetensors', 'runs/job-cli/model/sft/merged/tokenizer.json']));
    expect(keys.some((key) => key.startsWith('runs/job-cli/model/swirl/'))).toBe(false);
  });

  it('trains all weights when lora is null and writes a full model directory', async () => {
    await writeRun('job-full', { objective: 'sft', lora: null, maxSteps: 1 });
    await runTrainingJob({ runId: 'job-full', store, log: () => undefined });
    const keys = await store.list('runs/job-full/model/sft/');
    expect(keys).toEqual(expect.arrayContaining(['runs/job-full/model/sft/model.safetensors', 'runs/job-full/model/sft/config.json', 'runs/job-full/model/sft/tokenizer.json']));
    expect(keys.some((key) => key.includes('adapter'))).toBe(false);
  });

  it('resumes an interrupted swirl job with the same losses, rewards and KL as an uninterrupted one', async () => {
    const trainer = { objective: 'swirl', baseline: 'none', maxSteps: 4, checkpointEvery: 10, learningRate: 5e-2 };
    const reward = { id: 'ascii-start', score: async (_: TrainingRecord, action: string) => (action.charCodeAt(0) < 128 ? 1 : 0) };
    await writeRun('job-whole', trainer);
    await writeRun('job-split', trainer);
    await runTrainingJob({ runId: 'job-whole', store, reward, log: () => undefined });
    let steps = 0;
    const first = await runTrainingJob({ runId: 'job-split', store, reward, log: () => undefined, shouldStop: () => ++steps === 2 });
    expect(first.map((outcome) => [outcome.completedSteps, outcome.interrupted])).toEqual([[2, true]]);
    expect(await store.exists('runs/job-split/model/swirl/adapter_model.safetensors')).toBe(false);
    await runTrainingJob({ runId: 'job-split', store, reward, log: () => undefined });
    const read = async (runId: string) => ((await store.getText(`runs/${runId}/model/swirl/metrics.jsonl`)) ?? '').trim().split('\n')
      .map((line) => JSON.parse(line)).map((entry) => [entry.step, entry.loss, entry.reward, entry.kl]);
    const whole = await read('job-whole');
    expect(whole).toHaveLength(4);
    expect(new Set(whole.map((entry) => entry[2])).size).toBeGreaterThan(1);
    expect(await read('job-split')).toEqual(whole);
  });

  it('screens the states first when asked, trains only on those whose samples disagree, and reuses the screening on a rerun', async () => {
    const trainer = { objective: 'swirl', baseline: 'none', maxSteps: 2, swirl: { samplesPerState: 4, maxNewTokens: 6, screenStates: 10 } };
    // t0's samples are always good, t2's always bad; only t1's reward depends on what the policy wrote.
    const reward = { id: 'by-state', score: async (record: TrainingRecord, action: string) => (record.id === 't0@0' ? 1 : record.id === 't2@0' ? 0 : action.charCodeAt(0) < 128 ? 1 : 0) };
    await writeRun('job-screen', trainer);
    const lines: string[] = [];
    await runTrainingJob({ runId: 'job-screen', store, reward, log: (line) => lines.push(line) });
    const screening = JSON.parse((await store.getText('runs/job-screen/model/swirl/screening.json')) ?? 'null');
    expect(screening).toMatchObject({ screened: 3, recordCount: 3, uniformHigh: 1, keptIds: ['t1@0'] });
    expect(lines).toContainEqual(expect.stringMatching(/swirl screening: 1 of 3 states informative, 1 all good, 1 all bad/));
    expect(lines).toContainEqual(expect.stringMatching(/swirl on 1 records/));
    expect(JSON.parse((await store.getText('runs/job-screen/model/swirl/summary.json')) ?? 'null')).toMatchObject({ screening: { screened: 3, informative: 1 } });
    const rerunLines: string[] = [];
    await runTrainingJob({ runId: 'job-screen', store, reward, log: (line) => rerunLines.push(line) });
    expect(rerunLines).toContainEqual(expect.stringMatching(/swirl screening \(saved\): 1 of 3/));
  });

  it('fails with the missing key named when the run has no training data', async () => {
    await store.putJson('runs/job-empty/config.json', createConfig('job-empty', {}));
    await expect(runTrainingJob({ runId: 'job-empty', store, log: () => undefined })).rejects.toThrow('runs/job-empty/train/sft.jsonl does not exist');
  });
});
