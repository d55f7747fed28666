// A whole training job (sft baseline, then swirl with sampling, judging and screening) with the model on a device
// table: the same losses and rewards as on the host, device memory in metrics.jsonl, and adapters saved from the device.
import { ObjectStore } from '../../../core/store/object-store';
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';
import { loadAdapter } from '../../../containers/trainer/src/lora/save-adapter';
import { createS3Source } from '../../../containers/trainer/src/model/model-source';
import { saveModel } from '../../../containers/trainer/src/model/save-model';
import { runTrainingJob } from '../../../containers/trainer/src/train/run-training-job';
import { createByteLevelTokenizerConfig, createByteLevelTokenizerJson } from '../../../containers/trainer/src/tokenizer/byte-level-tokenizer';
import { createTinyModel, selectTestBackend } from '../tiny-model';
import { createConfig, createRecord } from '../train/training-job-fixtures';

describe('a training job with its model on a device table', () => {
  const server = new EmbeddedS3Server();
  let store: ObjectStore;
  const records = Array.from({ length: 5 }, (_, index) => createRecord(index));
  const previousDevice = process.env.SWIRL_DEVICE;

  beforeAll(async () => {
    selectTestBackend();
    store = new ObjectStore(await server.start());
    await saveModel(createTinyModel(31), createS3Source(store, 'models/tiny'), { tokenizerJson: createByteLevelTokenizerJson(), tokenizerConfig: createByteLevelTokenizerConfig() });
  });
  afterAll(async () => {
    if (previousDevice === undefined) delete process.env.SWIRL_DEVICE;
    else process.env.SWIRL_DEVICE = previousDevice;
    await server.stop();
  });

  async function train(runId: string, device: string, trainer: Record<string, unknown>): Promise<{ lines: string[]; metrics: Record<string, Record<string, number>[]> }> {
    await store.putJson(`runs/${runId}/config.json`, createConfig(runId, { ...trainer, swirl: { samplesPerState: 2, maxNewTokens: 6, screenStates: 3 } }));
    await store.putJsonLines(`runs/${runId}/train/sft.jsonl`, records);
    await store.putJsonLines(`runs/${runId}/train/states.jsonl`, records.slice(0, 3));
    await store.putJsonLines(`runs/${runId}/train/validation.jsonl`, records.slice(3));
    process.env.SWIRL_DEVICE = device;
    const lines: string[] = [];
    await runTrainingJob({ runId, store, log: (line) => lines.push(line), exportMerged: true });
    const metrics: Record<string, Record<string, number>[]> = {};
    for (const objective of ['sft', 'swirl']) {
      metrics[objective] = ((await store.getText(`runs/${runId}/model/${objective}/metrics.jsonl`)) ?? '').trim().split('\n').map((line) => JSON.parse(line));
    }
    return { lines, metrics };
  }

  it.each([
    ['LoRA with gradient checkpointing', { gradientCheckpointing: true }],
    ['every weight', { lora: null }],
  ])('trains like the host (%s)', async (label, trainer) => {
    const suffix = label.startsWith('LoRA') ? 'lora' : 'full';
    const host = await train(`host-${suffix}`, 'cpu', trainer);
    const resident = await train(`device-${suffix}`, 'emulated', trainer);
    expect(resident.lines.some((line) => /model on emulated:\d+/.test(line))).toBe(true);
    expect(host.lines.some((line) => line.includes('model on'))).toBe(false);
    for (const objective of ['sft', 'swirl']) {
      const expected = host.metrics[objective];
      const actual = resident.metrics[objective];
      expect(actual.map((entry) => entry.step)).toEqual(expected.map((entry) => entry.step));
      actual.forEach((entry, index) => {
        expect(entry.loss).toBeCloseTo(expected[index].loss, 4);
        // Sampling on the device picks the very tokens the host picks, so the judged rewards are equal.
        if (objective === 'swirl') expect(entry.reward).toBe(expected[index].reward);
        expect(entry.devicePeakBytes).toBeGreaterThan(0);
        expect(entry.deviceToHostBytes).toBeGreaterThan(0);
        expect(expected[index].devicePeakBytes).toBeUndefined();
      });
    }
    const prefix = `runs/device-${suffix}/model/swirl/`;
    const written = await store.list(prefix);
    expect(written).toEqual(expect.arrayContaining([`${prefix}summary.json`, `${prefix}metrics.jsonl`]));
    if (suffix === 'lora') {
      expect(written).toEqual(expect.arrayContaining([`${prefix}merged/model.safetensors`]));
      const adapter = await loadAdapter(createS3Source(store, prefix), createTinyModel(31).config);
      const hostAdapter = await loadAdapter(createS3Source(store, `runs/host-${suffix}/model/swirl/`), createTinyModel(31).config);
      for (const [name, tensor] of adapter.namedParameters()) {
        const expected = hostAdapter.namedParameters().get(name)!.data;
        tensor.data.forEach((value, index) => expect(Math.abs(value - expected[index])).toBeLessThan(1e-4));
      }
    }
  }, 120_000);
});
