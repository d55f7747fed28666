// Builds the training set from judged trajectories: filter, split by question, remove duplicates, count the funnel.
import { hashJson, hashToUnitInterval } from '../judges/content-hash';
import { classifyTrajectory, countBucketsPerStrategy, TrajectoryEvidence } from '../filters/trajectory-filter';
import { DatasetRow } from '../schemas/dataset-row';
import { Judgment, Verdict } from '../schemas/judgment';
import { FilterStrategy } from '../schemas/run-config';
import { Step } from '../schemas/step';
import { TrainingRecord } from '../schemas/training-record';
import { TrainManifest, VerdictCounts } from './train-manifest';

/** What assembly keeps of a trajectory: its question and how many steps it has, not its text. */
export interface TrajectorySummary {
  id: string;
  questionId: string;
  question: DatasetRow;
  stepCount: number;
}

export interface TrainingSetOptions {
  runId: string;
  strategy: FilterStrategy;
  validationFraction: number;
  files: TrainManifest['files'];
}

/** Deterministic split: the same question id always lands on the same side, so no question is in both. */
export function isValidationQuestion(questionId: string, validationFraction: number): boolean {
  return hashToUnitInterval(`split:${questionId}`) < validationFraction;
}

function emptyVerdictCounts(): VerdictCounts {
  return { GOOD: 0, BAD: 0, unknown: 0, missing: 0 };
}

export function buildReference(question: DatasetRow): TrainingRecord['reference'] {
  return {
    answer: question.answer,
    aliases: question.aliases,
    goldValues: question.goldCalculations.map((calculation) => calculation.value),
    supportingTitles: [...new Set(question.supportingFacts.map((fact) => fact.title))],
  };
}

export interface TrainingSet {
  sft: TrainingRecord[];
  states: TrainingRecord[];
  validation: TrainingRecord[];
  manifest: TrainManifest;
}

/**
 * Feed judgments first (all of them), then steps one at a time (streamed), then finish. SFT and validation
 * records drop repeats of the same context and action; RL states drop repeats of the same context, since a
 * state is explored afresh and one behaviour action per state suffices.
 */
export class TrainingSetBuilder {
  private readonly trajectories = new Map<string, TrajectorySummary>();
  private readonly verdicts = new Map<string, Verdict>();
  private readonly outcomes = new Map<string, boolean>();
  private readonly judgeIds = new Set<string>();
  private readonly judgeTokens = { inputTokens: 0, outputTokens: 0 };
  private kept: Set<string> | null = null;
  private readonly seenRecords = new Set<string>();
  private readonly seenStates = new Set<string>();
  private readonly result: Omit<TrainingSet, 'manifest'> = { sft: [], states: [], validation: [] };
  private readonly stepKinds = { tool_call: emptyVerdictCounts(), answer: emptyVerdictCounts(), invalid: emptyVerdictCounts() };
  private stepsSeen = 0;
  private candidateSteps = 0;
  private duplicatesRemoved = 0;
  private readonly questionSides = new Map<string, boolean>();

  constructor(private readonly options: TrainingSetOptions) {}

  addTrajectory(summary: TrajectorySummary): void {
    if (this.trajectories.has(summary.id)) throw new Error(`trajectory ${JSON.stringify(summary.id)} appears twice: expected each trajectory in exactly one part`);
    this.trajectories.set(summary.id, summary);
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
    const stepVerdicts = Array.from({ length: summary.stepCount }, (_, index) => this.verdicts.get(`${summary.id}@${index}`) ?? null);
    return { trajectoryId: summary.id, stepVerdicts, correct: this.outcomes.get(summary.id) ?? null };
  }

  private keptTrajectories(): Set<string> {
    if (this.kept === null) {
      this.kept = new Set();
      for (const summary of this.trajectories.values()) {
        if (classifyTrajectory(this.evidence(summary), this.options.strategy) === 'kept') this.kept.add(summary.id);
      }
    }
    return this.kept;
  }

  addStep(step: Step): void {
    const summary = this.trajectories.get(step.trajectoryId);
    if (!summary) throw new Error(`step ${step.id}: expected its trajectory ${JSON.stringify(step.trajectoryId)} among the run's trajectories, received none with that id`);
    this.stepsSeen += 1;
    const verdict = this.verdicts.get(step.id);
    this.stepKinds[step.parsedAction.type][verdict ?? 'missing'] += 1;
    if (!this.keptTrajectories().has(step.trajectoryId)) return;
    this.candidateSteps += 1;
    const validation = isValidationQuestion(step.questionId, this.options.validationFraction);
    this.questionSides.set(step.questionId, validation);
    const record: TrainingRecord = {
      id: step.id,
      questionId: step.questionId,
      trajectoryId: step.trajectoryId,
      stepIndex: step.stepIndex,
      task: summary.question.task,
      context: step.context,
      action: step.action,
      reward: verdict === 'GOOD' ? 1 : verdict === 'BAD' ? 0 : null,
      behaviourLogProb: null,
      reference: buildReference(summary.question),
    };
    const contextHash = hashJson(step.context);
    // Repeats are removed within a split, so a record never disappears from training because its twin went to validation.
    const recordHash = hashJson([validation ? 'validation' : 'train', contextHash, step.action]);
    if (this.seenRecords.has(recordHash)) {
      this.duplicatesRemoved += 1;
    } else {
      this.seenRecords.add(recordHash);
      (validation ? this.result.validation : this.result.sft).push(record);
    }
    if (!validation && !this.seenStates.has(contextHash)) {
      this.seenStates.add(contextHash);
      this.result.states.push(record);
    }
  }

  finish(): TrainingSet {
    const evidence = [...this.trajectories.values()].map((summary) => this.evidence(summary));
    let correct = 0;
    let incorrect = 0;
    for (const summary of this.trajectories.values()) {
      const outcome = this.outcomes.get(summary.id);
      if (outcome === true) correct += 1;
      else if (outcome === false) incorrect += 1;
    }
    const sides = [...this.questionSides.values()];
    const manifest: TrainManifest = {
      runId: this.options.runId,
      strategy: this.options.strategy,
      validationFraction: this.options.validationFraction,
      trajectories: this.trajectories.size,
      steps: this.stepsSeen,
      verdicts: this.stepKinds,
      outcomes: { correct, incorrect, missing: this.trajectories.size - correct - incorrect },
      strategies: countBucketsPerStrategy(evidence),
      records: {
        candidateSteps: this.candidateSteps,
        duplicatesRemoved: this.duplicatesRemoved,
        sft: this.result.sft.length,
        states: this.result.states.length,
        validation: this.result.validation.length,
      },
      questions: { train: sides.filter((side) => !side).length, validation: sides.filter((side) => side).length },
      judges: [...this.judgeIds].sort(),
      judgeTokens: this.judgeTokens,
      files: this.options.files,
    };
    return { ...this.result, manifest };
  }
}
