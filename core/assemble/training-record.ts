// One training record from one step: the question split, the reference a rule reward needs, and the record itself.
import { hashToUnitInterval } from '../judges/content-hash';
import { readSupportingSentences } from '../judges/qa-rule-judge';
import { DatasetRow, readGoldValues } from '../schemas/dataset-row';
import { Verdict } from '../schemas/judgment';
import { Step } from '../schemas/step';
import { TrainingRecord } from '../schemas/training-record';
import { Trajectory } from '../schemas/trajectory';

/**
 * What assembly keeps of a trajectory while it streams the steps: not its text, and of its question only what a
 * record carries (the task and the reference a rule reward needs), so a run of 50,000 trajectories does not hold
 * 50,000 copies of the question rows.
 */
export interface TrajectorySummary {
  id: string;
  questionId: string;
  task: DatasetRow['task'];
  reference: TrainingRecord['reference'];
  stepCount: number;
}

/** Deterministic split: the same question id always lands on the same side, so no question is in both. */
export function isValidationQuestion(questionId: string, validationFraction: number): boolean {
  return hashToUnitInterval(`split:${questionId}`) < validationFraction;
}

export function buildReference(question: DatasetRow): TrainingRecord['reference'] {
  return {
    answer: question.answer,
    aliases: question.aliases,
    goldValues: readGoldValues(question),
    supportingTitles: [...new Set(question.supportingFacts.map((fact) => fact.title))],
    supportingSentences: readSupportingSentences(question) ?? [],
  };
}

/** The part of a trajectory assembly reads. */
export type SummarizedTrajectory = Pick<Trajectory, 'id' | 'questionId' | 'question' | 'turns'>;

/** `reference` lets a caller that has already built the question's reference share it instead of building another. */
export function summarizeTrajectory(trajectory: SummarizedTrajectory, reference = buildReference(trajectory.question)): TrajectorySummary {
  return {
    id: trajectory.id,
    questionId: trajectory.questionId,
    task: trajectory.question.task,
    reference,
    stepCount: trajectory.turns.length,
  };
}

export function buildTrainingRecord(step: Step, summary: TrajectorySummary, verdict: Verdict | undefined): TrainingRecord {
  return {
    id: step.id,
    questionId: step.questionId,
    trajectoryId: step.trajectoryId,
    stepIndex: step.stepIndex,
    task: summary.task,
    context: step.context,
    action: step.action,
    reward: verdict === 'GOOD' ? 1 : verdict === 'BAD' ? 0 : null,
    behaviourLogProb: null,
    reference: summary.reference,
  };
}
