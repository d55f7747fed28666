// Stage 1: validate the config, then shard the dataset and materialize the corpus and eval sets under runs/<run>/.
import type { DatasetLineError } from '../datasets';
import type { RunConfig } from '../schemas';
import { ObjectStore, RUN_FILES, RunStore } from '../store';
import { ModelRunner, selectModelRunner, writeEvaluationPlan } from '../evaluate/evaluation-plan';
import { ConfigValidationError } from './config-validation-error';
import { DatasetSourceError } from './dataset-source';
import { loadRunConfig, PrepareEvent } from './load-run-config';
import { openCorpus, openDataset, OpenOptions } from './open-dataset';
import { PREPARE_FILES } from './prepare-keys';
import { claimRun } from './run-claim';
import { writeQuestionFile, writeQuestionShards } from './write-questions';

export interface PrepareResult {
  runId: string;
  manifestKey: string;
  shardCount: number;
  /** Where the policy's rollouts run: "batch" for the trainer's own models, "lambda" for models behind an API. */
  policyRunner: ModelRunner;
  /** runs/<run>/eval/pairs.json: the (model, eval set) pairs the evaluate stage runs. */
  evaluationPlanKey: string;
}

export interface ShardManifestItem {
  runId: string;
  shard: string;
}

async function recordFailure(store: RunStore, error: unknown): Promise<void> {
  const failure = error as Error;
  const cause = error instanceof ConfigValidationError ? error.problems.join('\n') : failure.message;
  try {
    await store.updateStatus({
      state: 'FAILED', stage: 'prepare', stageState: 'FAILED',
      error: { stage: 'prepare', error: failure.name || 'Error', cause },
    });
  } catch (statusError) {
    // The original error is the one worth throwing; a status write that fails too is only logged.
    console.error(`could not record the failure in ${store.key('status.json')}: ${(statusError as Error).message}`);
  }
}

function noQuestions(location: string, errors: DatasetLineError[]): DatasetSourceError {
  const first = errors[0] ? `; first: line ${errors[0].line}: ${errors[0].error}` : '';
  return new DatasetSourceError(`${location}: expected at least one valid question, received none (${errors.length} malformed line(s)${first})`);
}

async function materializeEvalSets(store: RunStore, config: RunConfig, objects: ObjectStore, options: OpenOptions, errors: Array<DatasetLineError & { set: string }>): Promise<number> {
  let total = 0;
  for (const set of config.eval) {
    const dataset = openDataset(set, objects, options);
    const written = await writeQuestionFile(store, PREPARE_FILES.evalQuestions(set.name), dataset.rows(), set.limit);
    errors.push(...written.errors.map((error) => ({ set: set.name, ...error })));
    if (written.questions === 0) throw noQuestions(dataset.location, written.errors);
    total += written.questions;
    const documents = await store.putJsonLines(PREPARE_FILES.evalCorpus(set.name), dataset.corpus());
    if (documents === 0) await store.objects.delete(store.key(PREPARE_FILES.evalCorpus(set.name)));
  }
  return total;
}

export interface PrepareOptions extends OpenOptions {
  /** Hours a run's claim is held at most (the state machine's execution timeout). Default 72. */
  claimHours?: number;
}

/** Runs the stage for one resolved config; every key it writes is deterministic, so a rerun overwrites. */
async function prepareResolvedRun(objects: ObjectStore, config: RunConfig, event: PrepareEvent, options: PrepareOptions): Promise<PrepareResult> {
  const store = new RunStore(objects, config.runId);
  // Before anything is written: a duplicate trigger must leave the running execution's files and status alone.
  if (event.execution) await claimRun(store, { execution: event.execution.name, takeOver: event.takeOver, holdHours: options.claimHours });
  // A rerun starts a fresh status: stages of an earlier attempt no longer describe this one.
  await objects.delete(store.key(RUN_FILES.status));
  await store.updateStatus({ state: 'RUNNING', stage: 'prepare', stageState: 'RUNNING' });
  try {
    await store.putJson(RUN_FILES.config, config);
    const dataset = openDataset(config.dataset, objects, options);
    const shards = await writeQuestionShards(store, dataset.rows(), {
      questionsPerShard: config.concurrency.questionsPerShard,
      limit: config.dataset.limit,
    });
    if (shards.questions === 0) throw noQuestions(dataset.location, shards.errors);
    const manifest: ShardManifestItem[] = shards.shards.map((shard) => ({ runId: config.runId, shard }));
    await store.putJson(RUN_FILES.shardManifest, manifest);
    const corpus = config.tools.search.corpus ? openCorpus(config.tools.search.corpus, objects, options) : dataset.corpus();
    const corpusDocuments = await store.putJsonLines(PREPARE_FILES.corpus, corpus);
    const errors: Array<DatasetLineError & { set: string }> = shards.errors.map((error) => ({ set: 'dataset', ...error }));
    const evalQuestions = await materializeEvalSets(store, config, objects, options, errors);
    const evaluationPlanKey = await writeEvaluationPlan(store, config);
    await store.putJsonLines(PREPARE_FILES.datasetErrors, errors);
    await store.updateStatus({
      stage: 'prepare', stageState: 'SUCCEEDED',
      counts: { questions: shards.questions, shards: shards.shards.length, corpusDocuments, malformedLines: errors.length, evalSets: config.eval.length, evalQuestions },
    });
    return {
      runId: config.runId, manifestKey: store.key(RUN_FILES.shardManifest), shardCount: shards.shards.length,
      policyRunner: selectModelRunner(config.policy), evaluationPlanKey,
    };
  } catch (error) {
    await recordFailure(store, error);
    throw error;
  }
}

/** The prepare stage for an event; a bad config throws ConfigValidationError after recording it in status.json. */
export async function prepareRun(objects: ObjectStore, event: PrepareEvent, options: PrepareOptions = {}): Promise<PrepareResult> {
  let config: RunConfig;
  try {
    config = await loadRunConfig(objects, event);
  } catch (error) {
    if (error instanceof ConfigValidationError && error.runId) await recordFailure(new RunStore(objects, error.runId), error);
    throw error;
  }
  return prepareResolvedRun(objects, config, event, options);
}
