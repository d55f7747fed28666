// Judges one shard: every step by the process judge, every trajectory by the outcome judge, with token and cache accounting.
import { DatasetRow } from '../schemas/dataset-row';
import { Judgment } from '../schemas/judgment';
import { Step } from '../schemas/step';
import { Trajectory } from '../schemas/trajectory';
import { OutcomeJudgeResult } from './llm-outcome-judge';
import { ProcessJudgeResult } from './llm-process-judge';
import { mapWithConcurrency } from './map-with-concurrency';
import { judgeOutcomeByRule } from './outcome-judge';
import { judgeStepByRule } from './rule-process-judge';

export interface StepJudge {
  judgeStep(step: Step, question: DatasetRow): Promise<ProcessJudgeResult>;
}

export interface TrajectoryJudge {
  judgeTrajectory(trajectory: Trajectory): Promise<OutcomeJudgeResult>;
}

export const RULE_STEP_JUDGE: StepJudge = {
  judgeStep: async (step, question) => ({ judgment: judgeStepByRule(step, question), cached: false, paidInputTokens: 0, paidOutputTokens: 0, paidCostUsd: 0 }),
};

export const RULE_TRAJECTORY_JUDGE: TrajectoryJudge = {
  judgeTrajectory: async (trajectory) => ({ judgment: judgeOutcomeByRule(trajectory), cached: false, paidInputTokens: 0, paidOutputTokens: 0, paidCostUsd: 0 }),
};

export interface JudgeShardCounts {
  steps: number;
  trajectories: number;
  good: number;
  bad: number;
  unknown: number;
  correct: number;
  incorrect: number;
  cacheHits: number;
  /** Tokens paid in this invocation (cache hits cost nothing). */
  paidInputTokens: number;
  paidOutputTokens: number;
  paidCostUsd: number;
  [name: string]: number;
}

export interface JudgeShardResult {
  judgments: Judgment[];
  counts: JudgeShardCounts;
}

export async function judgeShard(input: {
  steps: readonly Step[];
  trajectories: readonly Trajectory[];
  stepJudge: StepJudge;
  trajectoryJudge: TrajectoryJudge;
  concurrency: number;
}): Promise<JudgeShardResult> {
  const questions = new Map<string, DatasetRow>();
  for (const trajectory of input.trajectories) questions.set(trajectory.id, trajectory.question);
  for (const step of input.steps) {
    if (!questions.has(step.trajectoryId)) {
      throw new Error(`step ${step.id}: expected its trajectory ${JSON.stringify(step.trajectoryId)} among the shard's trajectories, received none with that id`);
    }
  }
  const processResults = await mapWithConcurrency(input.steps, input.concurrency, (step) => input.stepJudge.judgeStep(step, questions.get(step.trajectoryId)!));
  const outcomeResults = await mapWithConcurrency(input.trajectories, input.concurrency, (trajectory) => input.trajectoryJudge.judgeTrajectory(trajectory));
  const counts: JudgeShardCounts = {
    steps: input.steps.length, trajectories: input.trajectories.length, good: 0, bad: 0, unknown: 0, correct: 0, incorrect: 0,
    cacheHits: 0, paidInputTokens: 0, paidOutputTokens: 0, paidCostUsd: 0,
  };
  for (const result of [...processResults, ...outcomeResults]) {
    if (result.cached) counts.cacheHits += 1;
    counts.paidInputTokens += result.paidInputTokens;
    counts.paidOutputTokens += result.paidOutputTokens;
    counts.paidCostUsd += result.paidCostUsd;
  }
  for (const { judgment } of processResults) {
    if (judgment.verdict === 'GOOD') counts.good += 1;
    else if (judgment.verdict === 'BAD') counts.bad += 1;
    else counts.unknown += 1;
  }
  for (const { judgment } of outcomeResults) {
    if (judgment.correct) counts.correct += 1;
    else counts.incorrect += 1;
  }
  return { judgments: [...processResults.map((result) => result.judgment), ...outcomeResults.map((result) => result.judgment)], counts };
}
