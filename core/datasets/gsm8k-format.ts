// GSM8K: {"question","answer"} where the answer is a worked solution with <<expr=value>> annotations and a final "#### N" line.
import type { GoldCalculation } from '../schemas';
import { CalculatorError, evaluateExpression, formatNumber } from '../tools/calculator';
import type { ParseContext, ParsedRecord } from './dataset-record';
import { optionalText, RecordError, requireObject, requireText } from './record-fields';

const ANNOTATION = /<<([^<>]*)>>/g;
const FINAL_LINE = /^\s*####\s*(.*?)\s*$/m;

/** "1,000" → "1000", "$18.00" → "18": the form rule-based judges compare. */
export function normalizeNumericAnswer(text: string): string {
  let answer = text.replace(/,/g, '').replace(/^\$/, '').trim();
  if (/^-?\d+\.\d*$/.test(answer)) answer = answer.replace(/\.?0+$/, '');
  return answer;
}

function calculate(expression: string): number | string {
  try {
    return evaluateExpression(expression);
  } catch (error) {
    if (error instanceof CalculatorError) return error.message;
    throw error;
  }
}

/** Annotators round ("10/3=3.33"): a value matches when the calculator's result rounds to it at the annotation's precision. */
function matchesAnnotation(computed: number, annotated: number): boolean {
  const decimals = String(annotated).split('.')[1]?.length ?? 0;
  const tolerance = Math.max(1e-9 * Math.abs(annotated), decimals > 0 ? 0.5 * 10 ** -decimals : 1e-9);
  return Math.abs(computed - annotated) <= tolerance;
}

/**
 * One <<expr=value>> annotation as a gold calculator step. A step the calculator cannot confirm (the result is
 * not a number, e.g. <<3/4=3/4>>, the expression does not evaluate, or evaluates to something else) is kept
 * with `unverifiable` saying why, so its question still loads; its value is the annotated number, else the
 * calculator's, else null.
 */
export function parseGoldCalculation(body: string): GoldCalculation {
  const split = body.lastIndexOf('=');
  if (split <= 0) return { expression: body.trim(), value: null, unverifiable: `expected an annotation like <<48/2=24>>, received <<${body}>>` };
  const expression = body.slice(0, split).trim();
  const valueText = body.slice(split + 1).replace(/,/g, '').trim();
  const annotated = valueText === '' ? Number.NaN : Number(valueText);
  const computed = calculate(expression);
  if (!Number.isFinite(annotated)) {
    const reason = `the annotated result ${JSON.stringify(valueText)} is not a number`;
    return typeof computed === 'number'
      ? { expression, value: computed, unverifiable: `${reason}; the calculator gives ${formatNumber(computed)}` }
      : { expression, value: null, unverifiable: `${reason}, and the calculator cannot evaluate the expression: ${computed}` };
  }
  if (typeof computed !== 'number') return { expression, value: annotated, unverifiable: `the calculator cannot evaluate the expression: ${computed}` };
  if (!matchesAnnotation(computed, annotated)) {
    return { expression, value: annotated, unverifiable: `the calculator gives ${formatNumber(computed)}, the annotation says ${valueText}` };
  }
  return { expression, value: annotated };
}

/** Every <<expr=value>> annotation as a calculator call, in solution order; none is dropped. */
export function parseGoldCalculations(solution: string): GoldCalculation[] {
  return [...solution.matchAll(ANNOTATION)].map((match) => parseGoldCalculation(match[1]));
}

export function parseGsm8kRecord(value: unknown, context: ParseContext): ParsedRecord[] {
  const record = requireObject(value);
  const question = requireText(record, 'question');
  const solution = requireText(record, 'answer');
  const final = FINAL_LINE.exec(solution);
  if (!final || final[1] === '') throw new RecordError('$.answer: expected a final line "#### <answer>", received a solution without one');
  const steps = solution.slice(0, final.index).replace(ANNOTATION, '').trim();
  return [{
    row: {
      id: optionalText(record, 'id') ?? `gsm8k-${context.position}`,
      question,
      answer: normalizeNumericAnswer(final[1]),
      task: 'math',
      source: 'gsm8k',
      goldCalculations: parseGoldCalculations(solution),
      goldSolution: steps,
    },
    documents: [],
  }];
}
