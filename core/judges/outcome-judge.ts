// The rule outcome judge: numeric equivalence for math, SQuAD exact match and F1 with aliases for QA.
import { DatasetRow } from '../schemas/dataset-row';
import { OutcomeJudgment } from '../schemas/judgment';
import { Trajectory } from '../schemas/trajectory';
import { numericAnswersMatch } from './numeric-answer';
import { scoreQaAnswer } from './qa-answer-match';

export const OUTCOME_RULE_JUDGE = 'rule:outcome';

export interface AnswerScore {
  correct: boolean;
  /** Token F1 for QA; null for math. */
  f1: number | null;
}

/** Scores one predicted answer against a question's gold answer (and aliases); no answer is incorrect. */
export function scoreAnswer(prediction: string | null, question: Pick<DatasetRow, 'task' | 'answer' | 'aliases'>): AnswerScore {
  if (question.task === 'math') {
    if (prediction === null) return { correct: false, f1: null };
    return { correct: [question.answer, ...question.aliases].some((gold) => numericAnswersMatch(prediction, gold)), f1: null };
  }
  if (prediction === null) return { correct: false, f1: 0 };
  const score = scoreQaAnswer(prediction, question.answer, question.aliases);
  return { correct: score.exactMatch, f1: score.f1 };
}

export function judgeOutcomeByRule(trajectory: Trajectory): OutcomeJudgment {
  const score = scoreAnswer(trajectory.finalAnswer, trajectory.question);
  return {
    type: 'outcome',
    trajectoryId: trajectory.id,
    questionId: trajectory.questionId,
    prediction: trajectory.finalAnswer,
    gold: trajectory.question.answer,
    correct: score.correct,
    f1: score.f1,
    judge: OUTCOME_RULE_JUDGE,
  };
}
