// Run metrics gathered from a run's outputs for the report.
import { buildRunMetrics, MAX_CURVE_POINTS, ReportInputs, RunMetricsSchema } from '../../../core/report';
import { RunStatus } from '../../../core/schemas';
import { makeEvaluation, makeManifest } from './report-fixtures';

function status(overrides: Partial<RunStatus> = {}): RunStatus {
  return {
    runId: 'r1', state: 'RUNNING', stage: 'evaluate', error: null, updatedAt: '2026-01-01T01:00:00.000Z',
    stages: {
      prepare: { state: 'SUCCEEDED', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:30.000Z', counts: { shards: 2 } },
      train: { state: 'SUCCEEDED', startedAt: '2026-01-01T00:10:00.000Z', finishedAt: '2026-01-01T00:40:00.000Z', counts: {} },
      evaluate: { state: 'RUNNING', startedAt: '2026-01-01T00:41:00.000Z', finishedAt: null, counts: {} },
    },
    ...overrides,
  };
}

function inputs(overrides: Partial<ReportInputs> = {}): ReportInputs {
  return {
    runId: 'r1', status: status(), manifest: makeManifest('r1'), evaluation: makeEvaluation('r1'),
    training: [{ objective: 'swirl', steps: [{ step: 1, loss: 2, reward: 0.1, kl: 0 }, { step: 2, loss: 1.5, reward: 0.3, kl: 0.02 }], summary: { finalLoss: 1.5, validationLoss: 1.7, screening: { screened: 476, informative: 141 } } }],
    trajectories: { count: 10, steps: { 1: 4, 2: 3, 3: 3 }, finishReasons: { answered: 10 }, inputTokens: 1000, outputTokens: 200, costUsd: 0.01 },
    problems: [],
    ...overrides,
  };
}

describe('buildRunMetrics', () => {
  it('times fanned-out stages from their shard records, and lets status.json win where it has the stage', () => {
    const metrics = buildRunMetrics(inputs({
      timings: {
        rollout: { startedAt: '2026-01-01T00:01:00.000Z', finishedAt: '2026-01-01T00:03:30.000Z', shards: 4, finishedShards: 4 },
        judge: { startedAt: '2026-01-01T00:04:00.000Z', finishedAt: null, shards: 4, finishedShards: 3 },
        train: { startedAt: '2026-01-01T00:09:00.000Z', finishedAt: '2026-01-01T00:50:00.000Z', shards: 1, finishedShards: 1 },
      },
    }), '2026-01-01T02:00:00.000Z');
    const stage = (name: string) => metrics.stages.find((entry) => entry.stage === name)!;
    expect(stage('rollout')).toEqual(expect.objectContaining({ state: 'SUCCEEDED', seconds: 150, counts: { shards: 4, finishedShards: 4 } }));
    expect(stage('judge')).toEqual(expect.objectContaining({ state: 'RUNNING', seconds: null, counts: { shards: 4, finishedShards: 3 } }));
    expect(stage('decompose')).toEqual(expect.objectContaining({ state: 'PENDING', seconds: null }));
    expect(stage('train')).toEqual(expect.objectContaining({ state: 'SUCCEEDED', seconds: 1800 }));
  });

  it('combines evaluation, funnel, trajectories and training into a valid metrics document', () => {
    const metrics = RunMetricsSchema.parse(buildRunMetrics(inputs(), '2026-01-01T02:00:00.000Z'));
    expect(metrics.headline).toEqual({ 'accuracy.arith-test.base': 0.3, 'accuracy.arith-test.sft': 0.5, 'accuracy.arith-test.swirl': 0.7, trajectories: 10, 'records.sft': 14, 'records.states': 14 });
    const swirl = metrics.evaluation!.results.find((result) => result.model === 'swirl')!;
    expect(swirl.ci95.low).toBeLessThan(0.7);
    expect(swirl.ci95.high).toBeGreaterThan(0.7);
    expect(metrics.funnel!.stages.slice(0, 2)).toEqual([{ label: 'trajectories', count: 10 }, { label: 'kept (process)', count: 7 }]);
    expect(metrics.funnel!.buckets.droppedBadStep).toBe(3);
    expect(metrics.trajectories!.stepsHistogram).toEqual([{ steps: 1, count: 4 }, { steps: 2, count: 3 }, { steps: 3, count: 3 }]);
    expect(metrics.training[0]).toEqual(expect.objectContaining({ objective: 'swirl', steps: 2, finalLoss: 1.5, validationLoss: 1.7, screening: { screened: 476, informative: 141 } }));
  });

  it('accounts time and tokens per stage', () => {
    const metrics = buildRunMetrics(inputs(), 'now');
    const byStage = Object.fromEntries(metrics.stages.map((stage) => [stage.stage, stage]));
    expect(byStage.prepare.seconds).toBe(30);
    expect(byStage.train.seconds).toBe(1800);
    expect(byStage.evaluate.seconds).toBeNull();
    expect(byStage.assemble.state).toBe('PENDING');
    expect(byStage.rollout.tokens).toEqual({ inputTokens: 1000, outputTokens: 200 });
    expect(byStage.judge.tokens).toEqual({ inputTokens: 300, outputTokens: 40 });
    expect(byStage.evaluate.tokens).toEqual({ inputTokens: 3 * 10 * 120, outputTokens: 0 });
  });

  it('thins long training curves but keeps the last step', () => {
    const steps = Array.from({ length: 1000 }, (_unused, index) => ({ step: index + 1, loss: 1 / (index + 1) }));
    const metrics = buildRunMetrics(inputs({ training: [{ objective: 'sft', steps, summary: null }] }), 'now');
    const curve = metrics.training[0].curve;
    expect(curve).toHaveLength(MAX_CURVE_POINTS);
    expect(curve.at(-1)).toEqual({ step: 1000, loss: 0.001, reward: null, kl: null, tokensPerSecond: null });
    expect(curve.every((point, index) => index === 0 || point.step > curve[index - 1].step)).toBe(true);
    expect(metrics.training[0].finalLoss).toBe(0.001);
  });

  it('reports a failed run with what exists and the failure', () => {
    const failure = { stage: 'assemble', error: 'Error', cause: 'no judged parts' };
    const metrics = buildRunMetrics(inputs({ status: status({ state: 'FAILED', error: failure }), manifest: null, evaluation: null, training: [], problems: ['runs/r1/train/manifest.json: not found'] }), 'now');
    expect(metrics.state).toBe('FAILED');
    expect(metrics.failure).toEqual(failure);
    expect(metrics.funnel).toBeNull();
    expect(metrics.evaluation).toBeNull();
    expect(metrics.headline).toEqual({ trajectories: 10 });
    expect(metrics.problems).toEqual(['runs/r1/train/manifest.json: not found']);
  });
});
