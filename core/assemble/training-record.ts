// One training record from one step: the question split, the reference a rule reward needs, and the record itself.
import { hashToUnitInterval } from '../judges/content-hash';
import { DatasetRow } from '../schemas/dataset-row';
import { Verdict } from '../schemas/judgment';
import { Step } from '../schemas/step';
import { TrainingRecord } from '../schemas/training-record';

/** What assembly keeps of a trajectory: its question and how many steps it has, not its text. */
export interface TrajectorySummary {
  id: string;
  questionId: string;
  question: DatasetRow;
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
    goldValues: question.goldCalculations.map((calculation) => calculation.value),
    supportingTitles: [...new Set(question.supportingFacts.map((fact) => fact.title))],
  };
}

export function buildTrainingRecord(step: Step, summary: TrajectorySummary, verdict: Verdict | undefined): TrainingRecord {
  return {
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
}
