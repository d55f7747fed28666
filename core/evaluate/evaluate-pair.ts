// Stage 7, one unit of work: one model on one eval set, greedy and one sample per question, outcome-judged, with metrics.
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
import { timeShard } from '../store/shard-timing';
import { createToolRegistry } from '../tools/create-tool-registry';
import { computeSetMetrics } from './compute-set-metrics';
import { EvaluatedModel, EvaluationPairResult, EvaluationPairResultSchema, EvaluationRecord } from './evaluation-record';
import { EvaluationModel, planEvaluationModels } from './evaluation-models';
import { EVALUATION_FILES, EvaluationPairEvent } from './evaluation-plan';

export interface EvaluatePairOptions {
  /** Default: createProvider (the trainer registers the "trainer" provider). */
  createModel?: (config: ModelConfig) => ModelProvider;
}

export interface EvaluatePairOutcome {
  runId: string;
  model: string;
  set: string;
  state: EvaluationPairResult['state'];
  error: string | null;
  /** True when a finished result of an earlier attempt was reused (a redrive). */
  skipped: boolean;
}

type EvalSet = RunConfig['eval'][number];

/** The step cap of an eval set: its own, else the task default (5 QA, 10 math) — not the training run's cap. */
function stepCapOf(set: EvalSet, task: 'math' | 'qa'): number {
  return set.maxSteps ?? (task === 'math' ? 10 : 5);
}

export function describeEvaluatedModel(model: EvaluationModel): EvaluatedModel {
  const { config } = model;
  return { name: model.name, provider: config.provider, model: config.model, adapter: config.provider === 'trainer' ? config.adapter ?? null : null };
}

/** Whole-run inputs of a pair: the config, the planned model and the eval set, each checked with a readable error. */
async function readPairInputs(store: RunStore, event: EvaluationPairEvent): Promise<{ config: RunConfig; model: EvaluationModel; set: EvalSet }> {
  const config = await store.getJson(RUN_FILES.config, RunConfigSchema);
  if (config === null) throw new Error(`evaluate: expected the run config at ${store.key(RUN_FILES.config)}, found nothing`);
  const models = planEvaluationModels(config);
  const model = models.find((candidate) => candidate.name === event.model);
  if (!model) throw new Error(`evaluate: expected a model of the run (${models.map((candidate) => candidate.name).join(', ')}), received ${JSON.stringify(event.model)}`);
  const set = config.eval.find((candidate) => candidate.name === event.set);
  if (!set) throw new Error(`evaluate: expected an eval set of the run (${config.eval.map((candidate) => candidate.name).join(', ') || 'none'}), received ${JSON.stringify(event.set)}`);
  return { config, model, set };
}

/**
 * A one-token call before the questions: a model that cannot be loaded (missing directory, unsupported config, unknown
 * endpoint model) fails its pair with the reason, where inside episodes the same failure would be recorded as answers.
 */
async function loadModel(model: EvaluationModel, createModel: (config: ModelConfig) => ModelProvider): Promise<ModelProvider> {
  const provider = createModel(model.config);
  await provider.generate([{ role: 'user', content: 'Hello' }], { temperature: 0, topP: 1, maxTokens: 1 });
  return provider;
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

/**
 * Evaluates one pair and writes runs/<run>/eval/<model>/<set>.jsonl, then its result file. A model that cannot be
 * loaded gives a FAILED result naming the model and the reason (the call still succeeds, so other pairs go on); a
 * pair whose result says SUCCEEDED is not run again (keys are deterministic, so a retry or redrive overwrites).
 */
export async function evaluatePair(objects: ObjectStore, event: EvaluationPairEvent, options: EvaluatePairOptions = {}): Promise<EvaluatePairOutcome> {
  const store = new RunStore(objects, event.runId);
  const resultFile = EVALUATION_FILES.result(event.set, event.model);
  const outcome = (result: EvaluationPairResult, skipped: boolean): EvaluatePairOutcome => ({
    runId: event.runId, model: event.model, set: event.set, state: result.state, error: result.error, skipped,
  });
  const earlier = await store.getJson(resultFile, EvaluationPairResultSchema).catch(() => null);
  if (earlier?.state === 'SUCCEEDED') return outcome(earlier, true);
  const { config, model, set } = await readPairInputs(store, event);
  const described = describeEvaluatedModel(model);
  const result = await timeShard(objects, event.runId, 'evaluate', `${model.name}.${set.name}`, async (): Promise<EvaluationPairResult> => {
    let provider: ModelProvider;
    try {
      provider = await loadModel(model, options.createModel ?? createProvider);
    } catch (error) {
      const where = described.adapter ? `${described.model} with adapter ${described.adapter}` : described.model;
      const message = `model "${model.name}" (${described.provider} ${where}) cannot be loaded: ${(error as Error).message}`;
      return { runId: config.runId, model: described, set: set.name, state: 'FAILED', error: message, metrics: null };
    }
    const { trajectoryJudge } = createRunJudges(config, { cache: new S3JudgeCache(objects) });
    const records = await evaluateSet({ objects, store, config, set, model, provider, judge: trajectoryJudge });
    await store.putJsonLines(RUN_FILES.evalResults(set.name, model.name), records);
    return { runId: config.runId, model: described, set: set.name, state: 'SUCCEEDED', error: null, metrics: computeSetMetrics(records) };
  });
  await store.putJson(resultFile, result);
  return outcome(result, false);
}
