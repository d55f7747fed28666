// The rule-based process judge (a heuristic for verifiable data): math rules for math questions, retrieval rules for QA.
import { DatasetRow } from '../schemas/dataset-row';
import { ProcessJudgment } from '../schemas/judgment';
import { Step } from '../schemas/step';
import { judgeMathStep, MATH_RULE_JUDGE } from './math-rule-judge';
import { judgeQaStep, QA_RULE_JUDGE } from './qa-rule-judge';

export const RULE_PROMPT_VERSION = 'rule-v1';

export function judgeStepByRule(step: Step, question: DatasetRow): ProcessJudgment {
  const verdict = question.task === 'math' ? judgeMathStep(step, question) : judgeQaStep(step, question);
  return {
    type: 'process',
    stepId: step.id,
    trajectoryId: step.trajectoryId,
    questionId: step.questionId,
    stepIndex: step.stepIndex,
    actionKind: step.parsedAction.type,
    verdict: verdict.verdict,
    rationale: verdict.rationale,
    judge: question.task === 'math' ? MATH_RULE_JUDGE : QA_RULE_JUDGE,
    promptVersion: RULE_PROMPT_VERSION,
    inputTokens: 0,
    outputTokens: 0,
  };
}
