// Heuristic process judge for verifiable math (GSM8K, arith): checks calculator steps and answers against known numbers.
import { CalculatorError, evaluateExpression } from '../tools/calculator';
import { DatasetRow, readGoldValues } from '../schemas/dataset-row';
import { Step } from '../schemas/step';
import { collectContextNumbers, collectResultNumbers, KnownNumbers } from './context-numbers';
import { parseNumericAnswer } from './numeric-answer';

export const MATH_RULE_JUDGE = 'rule:math';

export interface RuleVerdict {
  verdict: 'GOOD' | 'BAD' | 'unknown';
  rationale: string;
}

/** The numeric literals of an expression ("1,200" counts as 1200). */
export function extractOperands(expression: string): number[] {
  return [...expression.replace(/(\d),(?=\d{3}(?!\d))/g, '$1').matchAll(/\d+(?:\.\d+)?|\.\d+/g)].map((match) => Number(match[0]));
}

/**
 * The calculator also fails an evaluation that took too long by the wall clock, which a busy machine can
 * cause for any expression; the judge retries those so its verdicts depend on the step alone.
 */
function evaluateOrNull(expression: string): { value: number } | { error: string } {
  let failure = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return { value: evaluateExpression(expression) };
    } catch (error) {
      failure = (error as Error).message;
      if (!(error instanceof CalculatorError) || !failure.includes('took too long')) break;
    }
  }
  return { error: failure };
}

/**
 * The answer rule for questions with gold calculations, for an answer already grounded in context: it is
 * GOOD only once the chain is complete, i.e. an earlier tool result holds a chain-end value (the final gold
 * calculation's value, or the gold answer where a solution does its last operation in prose), or the answer
 * itself is a chain-end value one operation from context (the last step done without the calculator, the
 * standard a calculator step is held to). An intermediate value given before the chain's end was derived is
 * a premature answer: BAD. Numbers written in the question do not complete a chain, so a chain end that the
 * question happens to mention does not excuse a premature answer; a chain that passes through its final
 * value early does look complete from then on. Without gold calculations nothing marks a chain's end, and a
 * grounded answer stays GOOD.
 */
function judgeChainCompletion(step: Step, question: DatasetRow, value: number): RuleVerdict {
  const last = readGoldValues(question).at(-1);
  if (last === undefined) return { verdict: 'GOOD', rationale: `answer ${value} follows from numbers in context` };
  const goldAnswer = parseNumericAnswer(question.answer);
  const ends = goldAnswer === null ? [last] : [last, goldAnswer];
  if (new KnownNumbers(ends).has(value)) return { verdict: 'GOOD', rationale: `answer ${value} completes the gold chain and follows from numbers in context` };
  const derived = collectResultNumbers(step.context);
  const reached = ends.find((end) => derived.has(end));
  if (reached !== undefined) return { verdict: 'GOOD', rationale: `answer ${value} follows from context, and the chain's end ${reached} was derived before it` };
  return { verdict: 'BAD', rationale: `premature answer: ${value} was given before the chain's final value ${last} was derived` };
}

/**
 * A calculator step is GOOD when it evaluates and its value is one of the gold solution's intermediate
 * values, or follows from numbers already in context: every number it uses appears in the question or an
 * earlier tool result, and its value is one operation (+ − × ÷) on such numbers. An answer is GOOD when its
 * number is in context or one operation away from it and, when the question has gold calculations, the
 * chain has reached its end (see judgeChainCompletion). A heuristic: it cannot see whether a step is the
 * right idea, only whether it is grounded.
 */
export function judgeMathStep(step: Step, question: DatasetRow, goldValues: KnownNumbers = new KnownNumbers(readGoldValues(question))): RuleVerdict {
  const action = step.parsedAction;
  if (action.type === 'invalid') return { verdict: 'BAD', rationale: `invalid action (${action.reason}): ${action.detail}` };
  const known = collectContextNumbers(step.context);
  if (action.type === 'answer') {
    const value = parseNumericAnswer(action.answer);
    if (value === null) return { verdict: 'BAD', rationale: `answer ${JSON.stringify(action.answer)} states no number` };
    if (!known.derives(value)) return { verdict: 'BAD', rationale: `answer ${value} is not supported by the question or earlier results` };
    return judgeChainCompletion(step, question, value);
  }
  if (action.tool !== 'calculator') return { verdict: 'unknown', rationale: `the math rule judges calculator steps and answers, not "${action.tool}"` };
  const evaluated = evaluateOrNull(action.input);
  if ('error' in evaluated) return { verdict: 'BAD', rationale: `expression does not evaluate: ${evaluated.error}` };
  const value = evaluated.value;
  if (goldValues.has(value)) return { verdict: 'GOOD', rationale: `value ${value} is a gold intermediate value` };
  // Number words count as written ("half", "dozen", "percent"); unstated unit conversions do not, which keeps made-up numbers out.
  const unknownOperands = extractOperands(action.input).filter((operand) => !known.has(operand));
  if (unknownOperands.length > 0) {
    return { verdict: 'BAD', rationale: `value ${value} is not a gold intermediate value and uses numbers not in context: ${unknownOperands.join(', ')}` };
  }
  if (known.derives(value)) return { verdict: 'GOOD', rationale: `value ${value} combines numbers in context with one operation` };
  return { verdict: 'BAD', rationale: `value ${value} is not a gold intermediate value and takes more than one operation on numbers in context` };
}
