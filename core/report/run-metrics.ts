// The run's machine-readable summary (runs/<run>/metrics.json), built purely from what the stages wrote.
import { z } from 'zod';
import { EvaluationMetrics } from '../evaluate/evaluation-record';
import { TrainManifest } from '../assemble/train-manifest';
import { RunStatus, STAGES } from '../schemas/run-status';
import { stateOfTiming, type ShardTimedStage, type StageTiming } from '../store/shard-timing';

const TokenCountSchema = z.strictObject({ inputTokens: z.number().nonnegative(), outputTokens: z.number().nonnegative() });

export const RunMetricsSchema = z.strictObject({
  runId: z.string(),
  state: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED']),
  generatedAt: z.string(),
  failure: z.strictObject({ stage: z.string(), error: z.string(), cause: z.string() }).nullable(),
  headline: z.record(z.string(), z.number()).describe('accuracy.<set>.<model>, trajectories, records.sft, records.states.'),
  evaluation: z.strictObject({
    sets: z.array(z.string()),
    models: z.array(z.strictObject({ name: z.string(), provider: z.string(), model: z.string(), error: z.string().nullable() })),
    results: z.array(z.strictObject({
      model: z.string(), set: z.string(), questions: z.number(), correct: z.number(), accuracy: z.number(),
      ci95: z.strictObject({ low: z.number(), high: z.number() }), f1: z.number().nullable(), meanSteps: z.number(), meanTokens: z.number(),
    })),
  }).nullable(),
  funnel: z.strictObject({
    strategy: z.string(),
    stages: z.array(z.strictObject({ label: z.string(), count: z.number() })).describe('Trajectories → kept → steps → records.'),
    buckets: z.record(z.string(), z.number()).describe('Where each trajectory went under the run\'s strategy.'),
  }).nullable(),
  trajectories: z.strictObject({
    count: z.number(),
    stepsHistogram: z.array(z.strictObject({ steps: z.number(), count: z.number() })),
    finishReasons: z.record(z.string(), z.number()),
    inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number(),
  }).nullable(),
  training: z.array(z.strictObject({
    objective: z.string(),
    steps: z.number(),
    finalLoss: z.number().nullable(),
    validationLoss: z.number().nullable(),
    screening: z.strictObject({ screened: z.number(), informative: z.number() }).nullable().default(null).describe('Swirl state screening: states sampled first, and those trained on.'),
    curve: z.array(z.strictObject({ step: z.number(), loss: z.number().nullable(), reward: z.number().nullable(), kl: z.number().nullable(), tokensPerSecond: z.number().nullable() })),
  })),
  stages: z.array(z.strictObject({
    stage: z.string(), state: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
    seconds: z.number().nullable(), counts: z.record(z.string(), z.number()), tokens: TokenCountSchema.nullable(),
  })),
  problems: z.array(z.string()).describe('Inputs that were missing or unreadable; the report shows what it could.'),
});
export type RunMetrics = z.infer<typeof RunMetricsSchema>;

/** One training metrics line (runs/<run>/model/<objective>/metrics.jsonl); extra fields are allowed. */
export const TrainingStepSchema = z.looseObject({
  step: z.number(),
  loss: z.number().optional(),
  reward: z.number().optional(),
  kl: z.number().optional(),
  tokensPerSecond: z.number().optional(),
});
export type TrainingStep = z.infer<typeof TrainingStepSchema>;

export interface TrajectoryTally {
  count: number;
  /** steps (turns) → trajectories */
  steps: Record<number, number>;
  finishReasons: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface ReportInputs {
  runId: string;
  status: RunStatus | null;
  manifest: TrainManifest | null;
  evaluation: EvaluationMetrics | null;
  training: Array<{ objective: string; steps: TrainingStep[]; summary: { finalLoss?: number | null; validationLoss?: number | null; screening?: { screened: number; informative: number } | null } | null }>;
  trajectories: TrajectoryTally | null;
  /** Spans of the fanned-out stages from their shard records (see timeShard); status.json has no entry for them. */
  timings?: Partial<Record<ShardTimedStage, StageTiming>>;
  problems: string[];
}

/** Curves longer than this are thinned evenly (the last point always kept) so metrics.json stays small. */
export const MAX_CURVE_POINTS = 400;

function thin<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  const stride = items.length / limit;
  const kept = Array.from({ length: limit - 1 }, (_unused, index) => items[Math.floor(index * stride)]);
  return [...kept, items[items.length - 1]];
}

function secondsBetween(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function buildFunnel(manifest: TrainManifest): NonNullable<RunMetrics['funnel']> {
  const buckets = manifest.strategies[manifest.strategy] as Record<string, number>;
  return {
    strategy: manifest.strategy,
    stages: [
      { label: 'trajectories', count: manifest.trajectories },
      { label: `kept (${manifest.strategy})`, count: buckets.kept ?? 0 },
      { label: 'steps', count: manifest.steps },
      { label: 'steps of kept', count: manifest.records.candidateSteps },
      { label: 'SFT records', count: manifest.records.sft },
      { label: manifest.rlStates === 'good-history' ? 'RL states (good history)' : 'RL states', count: manifest.records.states },
      { label: 'validation records', count: manifest.records.validation },
    ],
    buckets,
  };
}

function buildStages(inputs: ReportInputs): RunMetrics['stages'] {
  const tokensByStage: Partial<Record<string, { inputTokens: number; outputTokens: number }>> = {};
  if (inputs.trajectories) tokensByStage.rollout = { inputTokens: inputs.trajectories.inputTokens, outputTokens: inputs.trajectories.outputTokens };
  if (inputs.manifest) tokensByStage.judge = { ...inputs.manifest.judgeTokens };
  if (inputs.evaluation) {
    // Evaluation records keep input and output tokens together; the total is shown as input.
    const total = Object.values(inputs.evaluation.results).flatMap((sets) => Object.values(sets)).reduce((sum, set) => sum + set.meanTokens * set.questions, 0);
    tokensByStage.evaluate = { inputTokens: Math.round(total), outputTokens: 0 };
  }
  return STAGES.map((stage) => {
    const recorded = inputs.status?.stages[stage];
    const timing = inputs.timings?.[stage as ShardTimedStage];
    const startedAt = recorded?.startedAt ?? timing?.startedAt ?? null;
    const finishedAt = recorded?.finishedAt ?? timing?.finishedAt ?? null;
    return {
      stage,
      state: recorded?.state ?? (timing ? stateOfTiming(timing) : 'PENDING'),
      startedAt,
      finishedAt,
      seconds: secondsBetween(startedAt, finishedAt),
      counts: recorded?.counts ?? (timing ? { shards: timing.shards, finishedShards: timing.finishedShards } : {}),
      tokens: tokensByStage[stage] ?? null,
    };
  });
}

export function buildRunMetrics(inputs: ReportInputs, generatedAt: string): RunMetrics {
  const { status, manifest, evaluation, trajectories } = inputs;
  const headline: Record<string, number> = {};
  let evaluationMetrics: RunMetrics['evaluation'] = null;
  if (evaluation) {
    const results = evaluation.models.flatMap((model) => evaluation.sets.flatMap((set) => {
      const metrics = evaluation.results[model.name]?.[set];
      return metrics ? [{ model: model.name, set, questions: metrics.questions, correct: metrics.correct, accuracy: metrics.accuracy, ci95: metrics.ci95, f1: metrics.f1, meanSteps: metrics.meanSteps, meanTokens: metrics.meanTokens }] : [];
    }));
    evaluationMetrics = { sets: evaluation.sets, models: evaluation.models.map(({ name, provider, model, error }) => ({ name, provider, model, error })), results };
    for (const result of results) headline[`accuracy.${result.set}.${result.model}`] = result.accuracy;
  }
  if (trajectories) headline.trajectories = trajectories.count;
  if (manifest) {
    headline['records.sft'] = manifest.records.sft;
    headline['records.states'] = manifest.records.states;
  }
  const training = inputs.training.map(({ objective, steps, summary }) => ({
    objective,
    steps: steps.length === 0 ? 0 : Math.max(...steps.map((step) => step.step)),
    finalLoss: summary?.finalLoss ?? steps.at(-1)?.loss ?? null,
    validationLoss: summary?.validationLoss ?? null,
    screening: summary?.screening ? { screened: summary.screening.screened, informative: summary.screening.informative } : null,
    curve: thin(steps, MAX_CURVE_POINTS).map((step) => ({ step: step.step, loss: step.loss ?? null, reward: step.reward ?? null, kl: step.kl ?? null, tokensPerSecond: step.tokensPerSecond ?? null })),
  }));
  return {
    runId: inputs.runId,
    state: status?.state ?? 'PENDING',
    generatedAt,
    failure: status?.error ?? null,
    headline,
    evaluation: evaluationMetrics,
    funnel: manifest ? buildFunnel(manifest) : null,
    trajectories: trajectories ? {
      count: trajectories.count,
      stepsHistogram: Object.entries(trajectories.steps).map(([steps, count]) => ({ steps: Number(steps), count })).sort((a, b) => a.steps - b.steps),
      finishReasons: trajectories.finishReasons,
      inputTokens: trajectories.inputTokens, outputTokens: trajectories.outputTokens, costUsd: trajectories.costUsd,
    } : null,
    training,
    stages: buildStages(inputs),
    problems: inputs.problems,
  };
}
