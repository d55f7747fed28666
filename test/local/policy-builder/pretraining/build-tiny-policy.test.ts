// A cut-down tiny-policy build: demonstrations → tokenizer → model trained from scratch → a directory the trainer loads and serves.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { appendEvaluationToReadme, buildTinyPolicy, DEFAULT_TINY_POLICY_SETTINGS, evaluateTinyPolicy, LOSS_TARGET_WINDOW } from '../../../../local/policy-builder/pretraining';
import { loadModel } from '../../../../containers/trainer/src/model/load-model';

describe('buildTinyPolicy (cut down)', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'swirl-tiny-policy-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('writes a loadable model whose loss fell, and the agent loop can evaluate it', async () => {
    const lines: string[] = [];
    const build = await buildTinyPolicy(directory, {
      ...DEFAULT_TINY_POLICY_SETTINGS,
      questionsPerFamily: 12,
      vocabularySize: 320,
      hiddenSize: 32,
      intermediateSize: 64,
      layers: 1,
      heads: 2,
      keyValueHeads: 1,
      // Any loss meets this target, so stage 1 must stop at its first full window, short of its 110-step budget.
      drillSteps: 110,
      drillTargetLoss: 1000,
      drillSequences: 12,
      mixedDrills: 4,
      planNotes: true,
      openingDrills: 4,
      decisionDrills: 4,
      steps: 12,
      batchSize: 4,
      learningRate: 1e-2,
      warmupSteps: 2,
      maxPositions: 2048,
      snapshotEvery: 5,
    }, (line) => lines.push(line));
    expect(build.demonstrations.total).toBe(24);
    expect(build.finalLoss).toBeLessThan(build.firstLoss);
    expect(build.drillLoss?.steps).toBe(LOSS_TARGET_WINDOW);
    expect(lines.some((line) => line.startsWith(`drills step ${LOSS_TARGET_WINDOW}/110 `))).toBe(true);
    expect(lines.some((line) => line.startsWith(`drills step ${LOSS_TARGET_WINDOW + 1}/`))).toBe(false);
    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md']) {
      expect((await stat(path.join(directory, file))).size).toBeGreaterThan(0);
    }
    const config = JSON.parse(await readFile(path.join(directory, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ model_type: 'llama', vocab_size: 320, hidden_size: 32, num_hidden_layers: 1, tie_word_embeddings: true });
    const loaded = await loadModel(directory, null);
    expect(loaded.model.parameterCount()).toBe(build.parameterCount);
    expect(loaded.tokenizer.template.name).toBe('chatml');
    expect(lines.some((line) => line.startsWith('model: '))).toBe(true);
    const readme = await readFile(path.join(directory, 'README.md'), 'utf8');
    expect(readme).toContain('npm run build:policy');
    expect(readme).toContain('hop episodes open with a plan line');
    expect(readme).toContain('4 opening-drill and 4 decision-drill sequences');
    expect(readme).toContain(`| stage 1: copy drills | ${LOSS_TARGET_WINDOW} steps (until the mean loss of ${LOSS_TARGET_WINDOW} steps reached 1000, at most 110)`);

    const evaluation = await evaluateTinyPolicy(directory, { family: 'arith', split: 'test', count: 2, seed: 1, temperature: 0, maxTokens: 8 });
    expect(evaluation.questions).toBe(2);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0);
    expect(Object.values(evaluation.finishReasons).reduce((sum, count) => sum + (count ?? 0), 0)).toBe(2);
    await appendEvaluationToReadme(directory, [evaluation], 'npm run build:policy -- --evaluate 2');
    expect(await readFile(path.join(directory, 'README.md'), 'utf8')).toMatch(/\| arith test \| greedy \| 2 \| \d\.\d{3} \|/);
  });

  it('continues from that build with its tokenizer, even when the demonstrations are written differently', async () => {
    const continued = await mkdtemp(path.join(os.tmpdir(), 'swirl-tiny-policy-continued-'));
    try {
      const build = await buildTinyPolicy(continued, {
        ...DEFAULT_TINY_POLICY_SETTINGS,
        questionsPerFamily: 12,
        // Plain notes and another vocabulary size would train another tokenizer; the continuation must keep the first.
        planNotes: false,
        vocabularySize: 400,
        mixedDrills: 4,
        openingDrills: 4,
        decisionDrills: 4,
        steps: 3,
        batchSize: 4,
        maxPositions: 2048,
        snapshotEvery: 0,
        initFrom: directory,
      });
      expect(build.drillLoss).toBeNull();
      expect(Number.isFinite(build.finalLoss)).toBe(true);
      expect(await readFile(path.join(continued, 'tokenizer.json'), 'utf8')).toBe(await readFile(path.join(directory, 'tokenizer.json'), 'utf8'));
      const config = JSON.parse(await readFile(path.join(continued, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({ vocab_size: 320, hidden_size: 32 });
    } finally {
      await rm(continued, { recursive: true, force: true });
    }
  });
});
