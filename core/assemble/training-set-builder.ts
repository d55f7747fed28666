// Builds the training set from judged trajectories: filter, split by question, remove duplicates, count the funnel.
import { createStepId } from '../decompose/decompose-trajectory';
import { classifyTrajectory, countBucketsPerStrategy, TrajectoryEvidence } from '../filters/trajectory-filter';
import { Judgment, Verdict } from '../schemas/judgment';
import { FilterStrategy, RlStateSource } from '../schemas/run-config';
import { Step } from '../schemas/step';
import { TrainingRecord } from '../schemas/training-record';
import { RecordSelector, RecordTally, SelectionSource } from './record-selector';
import { TrainManifest } from './train-manifest';
import { buildReference, summarizeTrajectory, type SummarizedTrajectory, type TrajectorySummary } from './training-record';

export interface TrainingSetOptions {
  runId: string;
  strategy: FilterStrategy;
  /** Where RL states come from; default "kept" (the states of kept trajectories). */
  rlStates?: RlStateSource;
  validationFraction: number;
  files: TrainManifest['files'];
}

export interface TrainingSet {
  sft: TrainingRecord[];
  states: TrainingRecord[];
  validation: TrainingRecord[];
  manifest: TrainManifest;
}

/**
 * Feed trajectories and judgments first (all of them); then either stream the steps through selectors from
 * createSelector (one per pass, records never held) and compose the manifest from a pass's tally, or, for small
 * sets, add steps one at a time and finish with the records in memory.
 */
export class TrainingSetBuilder {
  private readonly trajectories = new Map<string, TrajectorySummary>();
  /** One reference per question, shared by the summaries of all its samples. */
  private readonly references = new Map<string, TrajectorySummary['reference']>();
  private readonly verdicts = new Map<string, Verdict>();
  private readonly outcomes = new Map<string, boolean>();
  private readonly judgeIds = new Set<string>();
  private readonly judgeTokens = { inputTokens: 0, outputTokens: 0 };
  private kept: Set<string> | null = null;
  private inMemory: { selector: RecordSelector; records: Omit<TrainingSet, 'manifest'> } | null = null;

  constructor(private readonly options: TrainingSetOptions) {}

  /** Keeps the trajectory's summary; its question's reference is built on the question's first trajectory only. */
  addTrajectory(trajectory: SummarizedTrajectory): void {
    if (this.trajectories.has(trajectory.id)) throw new Error(`trajectory ${JSON.stringify(trajectory.id)} appears twice: expected each trajectory in exactly one part`);
    let reference = this.references.get(trajectory.questionId);
    if (reference === undefined) {
      reference = buildReference(trajectory.question);
      this.references.set(trajectory.questionId, reference);
    }
    this.trajectories.set(trajectory.id, summarizeTrajectory(trajectory, reference));
  }

  addJudgment(judgment: Judgment): void {
    this.judgeIds.add(judgment.judge);
    if (judgment.type === 'process') {
      this.verdicts.set(judgment.stepId, judgment.verdict);
      this.judgeTokens.inputTokens += judgment.inputTokens;
      this.judgeTokens.outputTokens += judgment.outputTokens;
    } else {
      this.outcomes.set(judgment.trajectoryId, judgment.correct);
    }
  }

  private evidence(summary: TrajectorySummary): TrajectoryEvidence {
    const stepVerdicts = Array.from({ length: summary.stepCount }, (_, index) => this.verdicts.get(createStepId(summary.id, index)) ?? null);
    return { trajectoryId: summary.id, stepVerdicts, correct: this.outcomes.get(summary.id) ?? null };
  }

  /** Decided once, on first use, because a trajectory's fate needs all of its judgments. */
  private keptTrajectories(): Set<string> {
    if (this.kept === null) {
      this.kept = new Set();
      for (const summary of this.trajectories.values()) {
        if (classifyTrajectory(this.evidence(summary), this.options.strategy) === 'kept') this.kept.add(summary.id);
      }
    }
    return this.kept;
  }

  /**
   * Every step before this one in its trajectory was judged GOOD (the first step always has a good history). Only
   * a strategy that judges steps (process, process+outcome) judges histories; under none or outcome every state counts.
   */
  private hasGoodHistory(step: Step): boolean {
    if (!this.options.strategy.includes('process')) return true;
    for (let index = 0; index < step.stepIndex; index += 1) {
      if (this.verdicts.get(createStepId(step.trajectoryId, index)) !== 'GOOD') return false;
    }
    return true;
  }

  /** A fresh selector with its own duplicate sets, for one pass over every step in the run's order. */
  createSelector(): RecordSelector {
    const source: SelectionSource = {
      validationFraction: this.options.validationFraction,
      trajectory: (trajectoryId) => this.trajectories.get(trajectoryId),
      verdict: (stepId) => this.verdicts.get(stepId),
      isKept: (trajectoryId) => this.keptTrajectories().has(trajectoryId),
      isState: (step, kept) => ((this.options.rlStates ?? 'kept') === 'kept' ? kept : this.hasGoodHistory(step)),
    };
    return new RecordSelector(source);
  }

  /** Keeps every record in memory: for tests and benchmarks; assembly over S3 streams through createSelector instead. */
  addStep(step: Step): void {
    this.inMemory ??= { selector: this.createSelector(), records: { sft: [], states: [], validation: [] } };
    const { outputs, record } = this.inMemory.selector.select(step);
    for (const output of outputs) this.inMemory.records[output].push(record!);
  }

  finish(): TrainingSet {
    const selector = this.inMemory?.selector ?? this.createSelector();
    return { ...(this.inMemory?.records ?? { sft: [], states: [], validation: [] }), manifest: this.buildManifest(selector.tally()) };
  }

  buildManifest(tally: RecordTally): TrainManifest {
    const evidence = [...this.trajectories.values()].map((summary) => this.evidence(summary));
    let correct = 0;
    let incorrect = 0;
    for (const summary of this.trajectories.values()) {
      const outcome = this.outcomes.get(summary.id);
      if (outcome === true) correct += 1;
      else if (outcome === false) incorrect += 1;
    }
    return {
      runId: this.options.runId,
      strategy: this.options.strategy,
      rlStates: this.options.rlStates ?? 'kept',
      validationFraction: this.options.validationFraction,
      trajectories: this.trajectories.size,
      steps: tally.steps,
      verdicts: tally.verdicts,
      outcomes: { correct, incorrect, missing: this.trajectories.size - correct - incorrect },
      strategies: countBucketsPerStrategy(evidence),
      records: {
        candidateSteps: tally.candidateSteps,
        stateSteps: tally.stateSteps,
        duplicatesRemoved: tally.duplicatesRemoved,
        sft: tally.sft,
        states: tally.states,
        validation: tally.validation,
      },
      questions: tally.questions,
      judges: [...this.judgeIds].sort(),
      judgeTokens: { ...this.judgeTokens },
      files: this.options.files,
    };
  }
}
