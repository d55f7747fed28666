// The embedded default (`npm start`) cut down: the same config and pipeline with few questions and steps, checked stage by stage.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvaluationMetricsSchema } from '../../core/evaluate/evaluation-record';
import { RunMetricsSchema } from '../../core/report/run-metrics';
import { RunStatusSchema } from '../../core/schemas/run-status';
import { ObjectStore } from '../../core/store/object-store';
import { buildTinyPolicy, DEFAULT_TINY_POLICY_SETTINGS } from '../../local/policy-builder/pretraining';
import { resolveBuiltinModel } from '../../containers/trainer/src/model/builtin-models';
import { createDemoConfig, DEMO_BASE_MODEL } from '../../local/demo/demo-config';
import { formatResultsJson, formatResultsTable } from '../../local/demo/demo-results';
import { findMissingModelFiles } from '../../local/demo/ensure-tiny-policy';
import { DemoPipelineOutcome, runDemoPipeline } from '../../local/demo/run-demo-pipeline';
import { EmbeddedS3Server } from '../../local/s3/embedded-s3-server';

const ROOT = join(__dirname, '..', '..');
const RUN_ID = 'demo-cut-down';

/** The shipped policy when it is there; otherwise a few-step build of it (same code as `npm run build:policy`), so the test never depends on a cache. */
async function preparePolicy(directory: string): Promise<string> {
  const shipped = resolveBuiltinModel(DEMO_BASE_MODEL)!;
  if (findMissingModelFiles(shipped).length === 0) return DEMO_BASE_MODEL;
  const target = join(directory, 'tiny-policy');
  await buildTinyPolicy(target, {
    ...DEFAULT_TINY_POLICY_SETTINGS, questionsPerFamily: 30, hiddenSize: 32, intermediateSize: 64, layers: 2,
    heads: 2, keyValueHeads: 1, drillSteps: 6, drillSequences: 12, mixedDrills: 4, openingDrills: 4, decisionDrills: 4, steps: 6, batchSize: 4, warmupSteps: 2,
  });
  return target;
}

describe('embedded demo pipeline (cut down)', () => {
  const server = new EmbeddedS3Server();
  const directory = mkdtempSync(join(tmpdir(), 'swirl-demo-test-'));
  let objects: ObjectStore;
  let outcome: DemoPipelineOutcome;
  const lines: string[] = [];

  beforeAll(async () => {
    objects = new ObjectStore(await server.start());
    const baseModel = await preparePolicy(directory);
    // filter "none": every trajectory with a step trains, whatever the policy's quality, so every stage has data.
    const config = createDemoConfig({
      runId: RUN_ID, baseModel, filter: 'none', questions: 2, evalQuestions: 2, samplesPerQuestion: 2, trainSteps: 1, batchSize: 2,
      samplesPerState: 2, maxTokens: 24, questionsPerShard: 1,
    });
    outcome = await runDemoPipeline({
      config, objects, root: ROOT, outputDirectory: join(directory, 'runs'),
      stream: { write: (text: string) => lines.push(text) }, interactive: false,
    });
  }, 170_000);

  afterAll(async () => {
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('runs every stage of the synthesized state machine to success', async () => {
    expect(outcome.error).toBeNull();
    expect(outcome.succeeded).toBe(true);
    const status = RunStatusSchema.parse(JSON.parse((await objects.getText(`runs/${RUN_ID}/status.json`))!));
    expect(status.state).toBe('SUCCEEDED');
    for (const stage of ['prepare', 'rollout', 'decompose', 'judge', 'assemble', 'train', 'evaluate', 'report'] as const) {
      expect(outcome.stageTable).toMatch(new RegExp(`${stage}\\s+SUCCEEDED`));
    }
  });

  it('leaves each stage\'s outputs in the run', async () => {
    const keys = await objects.list(`runs/${RUN_ID}/`);
    for (const shard of ['shard-00000', 'shard-00001']) {
      for (const folder of ['shards', 'trajectories', 'steps', 'judged']) expect(keys).toContain(`runs/${RUN_ID}/${folder}/${shard}.jsonl`);
    }
    for (const file of ['config.json', 'corpus/corpus.jsonl', 'eval-sets/hop/questions.jsonl', 'eval-sets/arith/questions.jsonl',
      'train/sft.jsonl', 'train/states.jsonl', 'train/manifest.json', 'model/sft/adapter_model.safetensors', 'model/swirl/adapter_model.safetensors',
      'eval/base/hop.jsonl', 'eval/sft/arith.jsonl', 'eval/swirl/hop.jsonl', 'eval/metrics.json', 'metrics.json', 'report.html']) {
      expect(keys).toContain(`runs/${RUN_ID}/${file}`);
    }
    const trajectories = (await objects.getText(`runs/${RUN_ID}/trajectories/shard-00000.jsonl`))!.trim().split('\n');
    expect(trajectories).toHaveLength(2);
    // Every stage before the report is timed in metrics.json, the fanned-out ones from their shard records.
    const metrics = RunMetricsSchema.parse(JSON.parse((await objects.getText(`runs/${RUN_ID}/metrics.json`))!));
    for (const stage of metrics.stages.filter((entry) => entry.stage !== 'report')) {
      expect({ stage: stage.stage, state: stage.state }).toEqual({ stage: stage.stage, state: 'SUCCEEDED' });
      expect(stage.seconds).not.toBeNull();
    }
    expect(metrics.stages.find((entry) => entry.stage === 'rollout')!.counts).toEqual({ shards: 2, finishedShards: 2 });
  });

  it('evaluates base, sft and swirl on the in-domain and cross-task sets with 95% intervals', async () => {
    const metrics = EvaluationMetricsSchema.parse(JSON.parse((await objects.getText(`runs/${RUN_ID}/eval/metrics.json`))!));
    expect(metrics.models.map((model) => model.name)).toEqual(['base', 'sft', 'swirl']);
    expect(outcome.results).not.toBeNull();
    for (const model of ['base', 'sft', 'swirl']) {
      for (const set of ['hop', 'arith']) {
        const value = outcome.results![model][set];
        expect(value.questions).toBe(2);
        expect(value.ci95[0]).toBeLessThanOrEqual(value.accuracy);
        expect(value.ci95[1]).toBeGreaterThanOrEqual(value.accuracy);
      }
    }
    const json = JSON.parse(formatResultsJson(outcome.results!, outcome.seconds)) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['base', 'seconds', 'sft', 'swirl']);
    expect(formatResultsTable(outcome.results!, ['hop', 'arith']).split('\n')).toHaveLength(5);
  });

  it('renders the report, also written locally: accuracy table and SVG plots', () => {
    expect(outcome.reportPath).toBe(join(directory, 'runs', RUN_ID, 'report.html'));
    const html = readFileSync(outcome.reportPath!, 'utf8');
    expect(html).toMatch(/<table[\s\S]*hop[\s\S]*arith[\s\S]*<\/table>/);
    expect(html).toMatch(/swirl/);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(lines.join('')).toContain('[train]');
  });
});
