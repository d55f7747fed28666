// Rolls out one shard: N samples per question with bounded concurrency, resumable progress, and a clean stop before the time limit.
import { z } from 'zod';
import { runEpisode } from '../agent/run-episode';
import { createProvider } from '../providers/create-provider';
import { ModelProvider } from '../providers/model-provider';
import { RunBudget } from '../providers/run-budget';
import { DatasetRow, DatasetRowSchema } from '../schemas/dataset-row';
import { RunConfig, RunConfigSchema, resolveMaxSteps } from '../schemas/run-config';
import { FinishReason, Trajectory } from '../schemas/trajectory';
import { ObjectStore } from '../store/object-store';
import { RUN_FILES } from '../store/run-keys';
import { RunStore } from '../store/run-store';
import { createToolRegistry } from '../tools/create-tool-registry';
import { ToolRegistry } from '../tools/tool-registry';
import { ProgressWriter, ProgressWriterOptions, readRolloutProgress } from './rollout-progress';
import { computeShardBudget } from './shard-budget';
import { ShardIncompleteError } from './shard-incomplete-error';

export const DEFAULT_RESERVE_MS = 90_000;
export const DEFAULT_PROGRESS: ProgressWriterOptions = { intervalMs: 5_000, maxQuestions: 25 };

export interface RolloutShardInput {
  objects: ObjectStore;
  runId: string;
  shard: string;
  /** Default: the config's policy through createProvider. */
  provider?: ModelProvider;
  /** Default: the tools the config enables. */
  tools?: ToolRegistry;
  /** Time left before the host kills the work (a Lambda context's getRemainingTimeInMillis); absent means unlimited. */
  remainingTimeMs?: () => number;
  /** Time kept free at the end for in-flight questions and the final write. */
  reserveMs?: number;
  /** How often finished questions are saved as progress. */
  progress?: ProgressWriterOptions;
}

export interface RolloutShardResult {
  runId: string;
  shard: string;
  count: number;
  questions: number;
  skipped: boolean;
  resumedQuestions: number;
  finishReasons: Partial<Record<FinishReason, number>>;
}

const ManifestSchema = z.array(z.looseObject({ shard: z.string() }));

function countFinishReasons(trajectories: Trajectory[]): Partial<Record<FinishReason, number>> {
  const counts: Partial<Record<FinishReason, number>> = {};
  for (const trajectory of trajectories) counts[trajectory.finishReason] = (counts[trajectory.finishReason] ?? 0) + 1;
  return counts;
}

async function countLines(objects: ObjectStore, key: string): Promise<number> {
  const text = (await objects.getText(key)) ?? '';
  return text.split('\n').filter((line) => line.trim() !== '').length;
}

async function createBudget(store: RunStore, config: RunConfig, shard: string, finished: Trajectory[]): Promise<RunBudget> {
  const { maxTrajectories, maxTokens, maxCostUsd } = config.budgets;
  if (maxTrajectories === undefined && maxTokens === undefined && maxCostUsd === undefined) return new RunBudget();
  const manifest = await store.getJson(RUN_FILES.shardManifest, ManifestSchema);
  const position = manifest ? manifest.findIndex((item) => item.shard === shard) : 0;
  const limits = computeShardBudget(config.budgets, position, manifest ? manifest.length : 1);
  const started = finished.filter((trajectory) => trajectory.turns.length > 0 || trajectory.finishReason !== 'budget_exhausted');
  return new RunBudget(limits, {
    trajectories: started.length,
    tokens: finished.reduce((sum, trajectory) => sum + trajectory.usage.inputTokens + trajectory.usage.outputTokens, 0),
    costUsd: finished.reduce((sum, trajectory) => sum + trajectory.costUsd, 0),
  });
}

/** Stops starting questions once the time left drops below the reserve or 1.5× the slowest question seen. */
function createDeadlineCheck(input: RolloutShardInput): (slowestQuestionMs: number) => boolean {
  const reserveMs = input.reserveMs ?? (Number(process.env.SWIRL_ROLLOUT_RESERVE_MS) || DEFAULT_RESERVE_MS);
  let remaining = input.remainingTimeMs;
  const limit = Number(process.env.SWIRL_ROLLOUT_TIME_LIMIT_MS);
  if (!remaining && limit > 0) {
    const end = Date.now() + limit;
    remaining = () => end - Date.now();
  }
  if (!remaining) return () => false;
  const read = remaining;
  return (slowestQuestionMs) => read() < Math.max(reserveMs, 1.5 * slowestQuestionMs);
}

function readSettled<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}

export async function rollOutShard(input: RolloutShardInput): Promise<RolloutShardResult> {
  const { objects, runId, shard } = input;
  const store = new RunStore(objects, runId);
  const outputKey = store.key(RUN_FILES.trajectories(shard));
  if (await objects.exists(outputKey)) {
    const count = await countLines(objects, outputKey);
    return { runId, shard, count, questions: 0, skipped: true, resumedQuestions: 0, finishReasons: {} };
  }
  const shardKey = store.key(RUN_FILES.shard(shard));
  // Independent reads go out together: each is a round trip that a short shard would otherwise wait on in turn.
  const [configRead, rowsRead, savedRead] = await Promise.allSettled([
    store.getJson(RUN_FILES.config, RunConfigSchema),
    objects.readAllJsonLines(shardKey, DatasetRowSchema).catch((error: unknown): DatasetRow[] => {
      if ((error as { name?: string }).name === 'NoSuchKey') throw new Error(`run ${runId}: expected shard ${shardKey}, received nothing`);
      throw error;
    }),
    readRolloutProgress(store, shard),
  ]);
  // The config is named first when several are missing: without it nothing else matters.
  const config = readSettled(configRead);
  if (!config) throw new Error(`run ${runId}: expected ${store.key(RUN_FILES.config)} (written by prepare), received nothing`);
  const rows = readSettled(rowsRead);
  const saved = readSettled(savedRead);
  const { finished } = saved;
  const resumedQuestions = finished.size;
  const budget = await createBudget(store, config, shard, [...finished.values()].flat());
  const provider = input.provider ?? createProvider(config.policy);
  const tools = input.tools ?? (await createToolRegistry(config, objects));
  const isPastDeadline = createDeadlineCheck(input);
  const samples = config.samplesPerQuestion;

  const tasks: Array<{ question: number; sample: number }> = [];
  rows.forEach((_, question) => {
    if (finished.has(question)) return;
    for (let sample = 0; sample < samples; sample += 1) tasks.push({ question, sample });
  });

  const inFlight = new Map<number, { trajectories: Trajectory[]; remaining: number; startedAt: number }>();
  const progress = new ProgressWriter(store, shard, input.progress ?? DEFAULT_PROGRESS);
  let slowestQuestionMs = 0;
  let stopped = false;
  let next = 0;

  // Each question is serialized once, when it finishes: the same text goes to progress and to the shard's output,
  // so the write after the last question is only a join and one request.
  const serialized = new Map<number, string[]>();
  const completeQuestion = (question: number, trajectories: Trajectory[]) => {
    trajectories.sort((left, right) => left.sample - right.sample);
    finished.set(question, trajectories);
    const lines = trajectories.map((trajectory) => JSON.stringify(trajectory));
    serialized.set(question, lines);
    progress.add(question, lines);
  };

  let failure: unknown = null;
  const work = async () => {
    while (next < tasks.length && !stopped && failure === null) {
      const task = tasks[next];
      if (task.sample === 0 && isPastDeadline(slowestQuestionMs)) {
        stopped = true;
        return;
      }
      next += 1;
      if (task.sample === 0) inFlight.set(task.question, { trajectories: [], remaining: samples, startedAt: Date.now() });
      const state = inFlight.get(task.question)!;
      const row = rows[task.question];
      let trajectory: Trajectory;
      try {
        trajectory = await runEpisode({
          runId, question: row, sample: task.sample, provider, tools, budget,
          prompts: config.prompts, maxSteps: resolveMaxSteps(config, row.task),
          seedScope: config.samplingSeed === undefined ? undefined : `seed:${config.samplingSeed}`,
        });
      } catch (error) {
        // Model and tool failures are recorded inside episodes; anything else is a defect: stop, keep what is paid for.
        failure ??= error;
        return;
      }
      state.trajectories.push(trajectory);
      state.remaining -= 1;
      if (state.remaining === 0) {
        inFlight.delete(task.question);
        slowestQuestionMs = Math.max(slowestQuestionMs, Date.now() - state.startedAt);
        completeQuestion(task.question, state.trajectories);
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(config.concurrency.rollout, Math.max(1, tasks.length)) }, work));
  if (failure !== null || finished.size < rows.length) {
    await progress.flush();
    throw failure ?? new ShardIncompleteError(shard, finished.size, rows.length);
  }
  await progress.settle();

  const trajectories = rows.flatMap((_, question) => finished.get(question)!);
  const lines = rows.flatMap((_, question) => serialized.get(question) ?? finished.get(question)!.map((trajectory) => JSON.stringify(trajectory)));
  await objects.putSerializedLines(outputKey, lines.map((line) => `${line}\n`));
  // Progress goes only after the output exists: a stop in between leaves parts that the next attempt never reads.
  const progressKeys = [...saved.keys, ...progress.keys];
  if (progressKeys.length > 0) await objects.deleteMany(progressKeys);
  return {
    runId, shard, count: trajectories.length, questions: rows.length, skipped: false, resumedQuestions, finishReasons: countFinishReasons(trajectories),
  };
}
