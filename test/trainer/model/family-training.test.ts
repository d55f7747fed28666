// A run whose trainer.baseModel is a Gemma 2 or Llama 3.2 checkpoint directory (transformers 5 config layout, bf16
// weights, the model's own Jinja chat template) trains SFT and swirl end to end and exports a merged model.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunConfigSchema } from '../../../core/schemas/run-config';
import type { TrainingRecord } from '../../../core/schemas/training-record';
import { ObjectStore } from '../../../core/store/object-store';
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';
import { loadAdapter } from '../../../containers/trainer/src/lora';
import { createLocalSource, createS3Source, exportWeights, initializeModel, loadModel, parseModelConfig } from '../../../containers/trainer/src/model';
import { writeSafetensors } from '../../../containers/trainer/src/safetensors';
import { runTrainingJob } from '../../../containers/trainer/src/train/run-training-job';
import { BYTE_LEVEL_VOCABULARY_SIZE, createByteLevelTokenizerJson } from '../../../containers/trainer/src/tokenizer';
import { selectTestBackend } from '../tiny-model';

const fixtures = path.resolve(__dirname, '../../fixtures');

/** The fixture's config.json as transformers 5 wrote it, resized to the byte-level vocabulary. */
async function readLayout(family: string, overrides: Record<string, unknown>): Promise<Record<string, unknown>> {
  const config = JSON.parse(await fs.readFile(path.join(fixtures, 'model-families', family, 'config.json'), 'utf8')) as Record<string, unknown>;
  return { ...config, vocab_size: BYTE_LEVEL_VOCABULARY_SIZE, bos_token_id: 256, eos_token_id: 258, pad_token_id: 256, ...overrides };
}

async function writeCheckpoint(directory: string, config: Record<string, unknown>, template: string): Promise<void> {
  const model = initializeModel(parseModelConfig(config), 5, 0.1);
  await fs.mkdir(directory, { recursive: true });
  await fs.writeFile(path.join(directory, 'config.json'), JSON.stringify(config));
  await fs.writeFile(path.join(directory, 'model.safetensors'), writeSafetensors(exportWeights(model), { dtype: 'BF16', metadata: { format: 'pt' } }));
  await fs.writeFile(path.join(directory, 'tokenizer.json'), JSON.stringify(createByteLevelTokenizerJson()));
  await fs.writeFile(path.join(directory, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<|endoftext|>', eos_token: '<|im_end|>' }));
  await fs.writeFile(path.join(directory, 'chat_template.jinja'), await fs.readFile(path.join(fixtures, 'chat-templates', template), 'utf8'));
}

function createRecord(index: number): TrainingRecord {
  return {
    id: `t${index}@0`, questionId: `q${index}`, trajectoryId: `t${index}`, stepIndex: 0, task: 'math',
    context: [{ role: 'system', content: 'Answer.' }, { role: 'user', content: `${index}+1?` }],
    action: `<answer>${index + 1}</answer>`, reward: 1, behaviourLogProb: null,
    reference: { answer: String(index + 1), aliases: [], goldValues: [index + 1], supportingTitles: [], supportingSentences: [] },
  };
}

describe('training real family layouts', () => {
  const server = new EmbeddedS3Server();
  let store: ObjectStore;
  let root: string;

  beforeAll(async () => {
    selectTestBackend();
    store = new ObjectStore(await server.start());
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-family-'));
  });
  afterAll(async () => {
    await server.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it.each([
    ['gemma2', 'gemma2.jinja', { num_hidden_layers: 2, head_dim: 16, layer_types: ['sliding_attention', 'full_attention'], sliding_window: 16 }],
    ['llama3', 'llama3.jinja', {}],
  ] as const)('%s: SFT and swirl train, and the merged export reloads', async (family, template, overrides) => {
    const directory = path.join(root, family);
    await writeCheckpoint(directory, await readLayout(family, overrides), template);
    const runId = `family-${family}`;
    const records = Array.from({ length: 4 }, (_, index) => createRecord(index));
    await store.putJson(`runs/${runId}/config.json`, RunConfigSchema.parse({
      runId,
      dataset: { source: 'builtin:arith:train', format: 'arith' },
      policy: { provider: 'scripted', responses: ['<answer>1</answer>'] },
      trainer: {
        baseModel: directory, backend: 'auto', maxSteps: 2, batchSize: 2, warmupSteps: 1, checkpointEvery: 10, learningRate: 1e-2,
        maxSequenceLength: 160, lora: { rank: 2, alpha: 4, dropout: 0 }, swirl: { samplesPerState: 2, maxNewTokens: 4 },
      },
    }));
    await store.putJsonLines(`runs/${runId}/train/sft.jsonl`, records);
    await store.putJsonLines(`runs/${runId}/train/states.jsonl`, records.slice(0, 2));
    await store.putJsonLines(`runs/${runId}/train/validation.jsonl`, records.slice(2));
    // Rewards that differ between sampled actions, so swirl's groups are not uniform and it updates the adapter.
    const reward = { id: 'ascii-start', score: async (_: TrainingRecord, action: string) => (action.charCodeAt(0) < 128 ? 1 : 0) };
    const outcomes = await runTrainingJob({ runId, store, reward, exportMerged: true, log: () => undefined });
    expect(outcomes.map((outcome) => [outcome.objective, outcome.completedSteps])).toEqual([['sft', 2], ['swirl', 2]]);
    const base = await loadModel(directory, null);
    expect(base.tokenizer.template.name).toBe('jinja');
    for (const objective of ['sft', 'swirl']) {
      const adapter = await loadAdapter(createS3Source(store, `runs/${runId}/model/${objective}/`), base.model.config);
      expect(adapter.pairs.size).toBe(2 * 7);
      expect([...adapter.pairs.values()].some((pair) => pair.b.data.some((value) => value !== 0))).toBe(true);
    }
    const summary = JSON.parse((await store.getText(`runs/${runId}/model/sft/summary.json`))!) as { validationLoss: number };
    expect(Number.isFinite(summary.validationLoss)).toBe(true);
    // The merged export is a model directory of the same family that loads again.
    const mergedDirectory = path.join(root, `${family}-merged`);
    for (const name of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) {
      const bytes = await store.getBytes(`runs/${runId}/model/swirl/merged/${name}`);
      if (bytes) await createLocalSource(mergedDirectory).writeFile(name, bytes);
    }
    const merged = await loadModel(mergedDirectory, null);
    expect(merged.model.config).toEqual(base.model.config);
  });
});
