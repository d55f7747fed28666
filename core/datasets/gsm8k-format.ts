// GSM8K: {"question","answer"} where the answer is a worked solution with <<expr=value>> annotations and a final "#### N" line.
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

/** Every <<expr=value>> annotation as a calculator call; the value after the last "=" is the result. */
export function parseGoldCalculations(solution: string): Array<{ expression: string; value: number }> {
  const calculations: Array<{ expression: string; value: number }> = [];
  for (const match of solution.matchAll(ANNOTATION)) {
    const body = match[1];
    const split = body.lastIndexOf('=');
    if (split <= 0) throw new RecordError(`$.answer: expected calculator annotations like <<48/2=24>>, received <<${body}>>`);
    const expression = body.slice(0, split).trim();
    const valueText = body.slice(split + 1).replace(/,/g, '').trim();
    const value = Number(valueText);
    if (valueText === '' || !Number.isFinite(value)) {
      throw new RecordError(`$.answer: expected a numeric result in <<${body}>>, received ${JSON.stringify(valueText)}`);
    }
    calculations.push({ expression, value });
  }
  return calculations;
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
