// The calculator tool: limits, number formatting and agreement with the GSM8K annotations.
import { readFileSync } from 'node:fs';
import { parseGoldCalculations } from '../../../core/datasets/gsm8k-format';
import { CALCULATOR_LIMITS, createCalculatorTool, evaluateExpression, formatNumber } from '../../../core/tools/calculator';
import { describeWithSharedData, sharedDataPath } from '../../support/shared-data';

/** Equal at the annotation's own precision: GSM8K writes 10/3 as 3.33. */
function matchesAnnotation(value: number, annotated: number): boolean {
  const decimals = String(annotated).split('.')[1]?.length ?? 0;
  const tolerance = Math.max(1e-9 * Math.abs(annotated), decimals > 0 ? 0.5 * 10 ** -decimals : 1e-9);
  return Math.abs(value - annotated) <= tolerance;
}

function readAnnotations(): Array<{ expression: string; value: number }> {
  return readFileSync(sharedDataPath('gsm8k/train.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => parseGoldCalculations((JSON.parse(line) as { answer: string }).answer))
    .flatMap(({ expression, value }) => (value === null ? [] : [{ expression, value }]));
}

describe('calculator', () => {
  const calculator = createCalculatorTool();

  it.each([
    ['48/2', '24'],
    ['3/4 + 1/4', '1'],
    ['20% * 150', '30'],
    ['2^10', '1024'],
    ['(12 + 8) * (3 - 1)', '40'],
    ['1,200 + 3,400', '4600'],
    ['$1,250.50 * 2', '2501'],
    ['12 x 4', '48'],
    ['5 \u00d7 6 \u00f7 3', '10'],
    ['0.1 + 0.2', '0.3'],
    ['10/3', '3.33333333333'],
    ['-3^2', '-9'],
    ['sqrt(144) + round(2.6)', '15'],
    ['48/2 =', '24'],
    ['17 mod 5', '2'],
  ])('evaluates %s to %s', async (expression, expected) => {
    expect(await calculator.execute(expression)).toBe(expected);
  });

  it.each([
    ['7/0', /division by zero/],
    ['x + 1', /unknown name "x"/],
    ['a = 5', /not supported/],
    ['f(x) = x^2', /not supported/],
    ['import({evil: 1})', /function "import" is not supported/],
    ['createUnit("foo")', /not supported/],
    ['evaluate("1+1")', /function "evaluate" is not supported/],
    ['[1, 2, 3]', /not supported/],
    ['"text"', /expected numbers/],
    ['2 > 1', /not supported/],
    ['2^100000', /exponent too large/],
    ['factorial(100000)', /function "factorial" is not supported/],
    ['3 +', /cannot parse/],
    ['', /received nothing/],
  ])('returns an error for %s as the tool result', async (expression, message) => {
    const result = await calculator.execute(expression);
    expect(result).toMatch(/^Error: /);
    expect(result).toMatch(message);
  });

  it('limits input length and expression size', async () => {
    expect(await calculator.execute('1+'.repeat(CALCULATOR_LIMITS.maxInputLength))).toMatch(/too long/);
    expect(await calculator.execute(Array.from({ length: 200 }, () => '1').join('+'))).toMatch(/too complex/);
  });

  it('formats numbers without float noise', () => {
    expect(formatNumber(0.30000000000000004)).toBe('0.3');
    expect(formatNumber(123456789.123)).toBe('123456789.123');
    expect(formatNumber(-42)).toBe('-42');
  });
});

describeWithSharedData('calculator on GSM8K annotations', () => {
  const annotations = readAnnotations();

  it('evaluates a table of 60 distinct annotations to their annotated values', () => {
    const table = [...new Map(annotations.map((item) => [item.expression, item])).values()].slice(0, 60);
    expect(table).toHaveLength(60);
    for (const { expression, value } of table) {
      const result = evaluateExpression(expression);
      if (!matchesAnnotation(result, value)) throw new Error(`${expression}: expected ${value}, received ${result}`);
    }
  });

  it('agrees with at least 99% of all annotations in the training split', () => {
    let passed = 0;
    for (const { expression, value } of annotations) {
      try {
        if (matchesAnnotation(evaluateExpression(expression), value)) passed += 1;
      } catch {
        // Counted as a miss.
      }
    }
    const rate = passed / annotations.length;
    console.log(`calculator: ${passed}/${annotations.length} GSM8K annotations (${(rate * 100).toFixed(2)}%)`);
    expect(annotations.length).toBeGreaterThan(20_000);
    expect(rate).toBeGreaterThanOrEqual(0.99);
  });
});
