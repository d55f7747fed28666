// Stage 7: every evaluation model on every eval set, greedy and one sample per question, outcome-judged, with metrics.
import { runEpisode } from '../agent/run-episode';
import { createRunJudges } from '../judges/create-judges';
import { S3JudgeCache } from '../judges/judge-cache';
import { TrajectoryJudge } from '../judges/judge-shard';
import { mapWithConcurrency } from '../judges/map-with-concurrency';
import { createProvider } from '../providers/create-provider';
import { ModelProvider } from '../providers/model-provider';
import { PREPARE_FILES } from '../run/prepare-keys';
import { DatasetRowSchema } from '../schemas/dataset-row';
import { ModelConfig } from '../schemas/model-config';
import { RunConfig, RunConfigSchema } from '../schemas/run-config';
import { ObjectStore } from '../store/object-store';
import { RUN_FILES } from '../store/run-keys';
import { RunStore } from '../store/run-store';
import { createToolRegistry } from '../tools/create-tool-registry';
import { computeSetMetrics } from './compute-set-metrics';
import { EvaluationMetrics, EvaluationRecord } from './evaluation-record';
import { EvaluationModel, listEvaluationModels } from './evaluation-models';

export const EVALUATION_METRICS_FILE = 'eval/metrics.json';

export interface EvaluateRunOptions {
  /** Default: createProvider (the trainer registers the "trainer" provider). */
  createModel?: (config: ModelConfig) => ModelProvider;
}

export interface EvaluateRunResult {
  runId: string;
  metricsKey: string;
  models: string[];
  sets: string[];
  errors: string[];
}

type EvalSet = RunConfig['eval'][number];

/** The step cap of an eval set: its own, else the task default (5 QA, 10 math) — not the training run's cap. */
function stepCapOf(set: EvalSet, task: 'math' | 'qa'): number {
  return set.maxSteps ?? (task === 'math' ? 10 : 5);
}

async function evaluateSet(input: {
  objects: ObjectStore; store: RunStore; config: RunConfig; set: EvalSet; model: EvaluationModel; provider: ModelProvider; judge: TrajectoryJudge;
}): Promise<EvaluationRecord[]> {
  const { objects, store, config, set, model, provider, judge } = input;
  const questionsKey = PREPARE_FILES.evalQuestions(set.name);
  if (!(await store.exists(questionsKey))) throw new Error(`evaluate: expected eval set questions at ${store.key(questionsKey)}, found nothing (has prepare run?)`);
  const questions = await store.readAllJsonLines(questionsKey, DatasetRowSchema);
  const corpusKey = store.key(PREPARE_FILES.evalCorpus(set.name));
  const tools = await createToolRegistry(config, objects, (await objects.exists(corpusKey)) ? { corpusKey } : {});
  return mapWithConcurrency(questions, config.concurrency.rollout, async (question) => {
    const trajectory = await runEpisode({
      runId: config.runId, question, sample: 0, provider, tools, prompts: config.prompts, maxSteps: stepCapOf(set, question.task),
      generateOptions: { temperature: 0, topP: 1, maxTokens: model.config.maxTokens },
    });
    const { judgment } = await judge.judgeTrajectory(trajectory);
    return {
      questionId: question.id,
      task: question.task,
      question: question.question,
      gold: question.answer,
      prediction: trajectory.finalAnswer,
      correct: judgment.correct,
      f1: judgment.f1,
      judge: judgment.judge,
      steps: trajectory.turns.length,
      inputTokens: trajectory.usage.inputTokens,
      outputTokens: trajectory.usage.outputTokens,
      finishReason: trajectory.finishReason,
      model: provider.id,
    };
  });
}

export async function evaluateRun(objects: ObjectStore, event: { runId: string }, options: EvaluateRunOptions = {}): Promise<EvaluateRunResult> {
  const store = new RunStore(objects, event.runId);
  const config = await store.getJson(RUN_FILES.config, RunConfigSchema);
  if (config === null) throw new Error(`evaluate: expected the run config at ${store.key(RUN_FILES.config)}, found nothing`);
  await store.updateStatus({ stage: 'evaluate', stageState: 'RUNNING' });
  const models = listEvaluationModels(config, await objects.list(store.key(RUN_FILES.model) + '/'));
  const { trajectoryJudge } = createRunJudges(config, { cache: new S3JudgeCache(objects) });
  const createModel = options.createModel ?? createProvider;
  const metrics: EvaluationMetrics = { runId: config.runId, models: [], sets: config.eval.map((set) => set.name), results: {} };
  const errors: string[] = [];
  for (const model of models) {
    let provider: ModelProvider;
    try {
      provider = createModel(model.config);
    } catch (error) {
      // One model that cannot load must not hide the others' results; the failure is reported in the metrics.
      const message = `model "${model.name}": ${(error as Error).message}`;
      errors.push(message);
      metrics.models.push({ name: model.name, provider: model.config.provider, model: model.config.model, adapter: adapterOf(model.config), error: message });
      continue;
    }
    metrics.models.push({ name: model.name, provider: model.config.provider, model: model.config.model, adapter: adapterOf(model.config), error: null });
    metrics.results[model.name] = {};
    for (const set of config.eval) {
      const records = await evaluateSet({ objects, store, config, set, model, provider, judge: trajectoryJudge });
      await store.putJsonLines(RUN_FILES.evalResults(set.name, model.name), records);
      metrics.results[model.name][set.name] = computeSetMetrics(records);
    }
  }
  await store.putJson(EVALUATION_METRICS_FILE, metrics);
  await store.updateStatus({ stage: 'evaluate', stageState: 'SUCCEEDED', counts: { models: models.length, sets: config.eval.length, failedModels: errors.length } });
  return { runId: config.runId, metricsKey: store.key(EVALUATION_METRICS_FILE), models: models.map((model) => model.name), sets: metrics.sets, errors };
}

function adapterOf(config: ModelConfig): string | null {
  return config.provider === 'trainer' ? config.adapter ?? null : null;
}
