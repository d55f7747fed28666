// Numeric answer parsing and comparison, including the GSM8K gold answers.
import { readFileSync } from 'node:fs';
import { numericAnswersMatch, parseNumericAnswer } from '../../../core/judges';
import { scoreAnswer } from '../../../core/judges';
import { describeWithSharedData, sharedDataPath } from '../../support/shared-data';

describe('parseNumericAnswer', () => {
  it.each([
    ['10', 10], ['10.00', 10], ['$10', 10], ['1,000', 1000], ['$1,234.50', 1234.5], ['72 dollars', 72], ['3/4', 0.75],
    ['1 1/2', 1.5], ['-5', -5], ['50%', 50], ['**42**', 42], ['The answer is 18.', 18], ['\\boxed{7}', 7], ['.5', 0.5],
    ['5 apples and 2 pears', 5], ['1,000,000', 1000000],
  ])('%s → %d', (text, value) => {
    expect(parseNumericAnswer(text)).toBeCloseTo(value, 9);
  });

  it.each(['', 'seventy-two', 'no idea', '1/0'])('%j states no usable number', (text) => {
    expect(parseNumericAnswer(text)).toBeNull();
  });

  it('matches equal values only', () => {
    expect(numericAnswersMatch('$72.00', '72')).toBe(true);
    expect(numericAnswersMatch('0.30000000000000004', '0.3')).toBe(true);
    expect(numericAnswersMatch('1000001', '1,000,000')).toBe(false);
    expect(numericAnswersMatch('73', '72')).toBe(false);
    expect(numericAnswersMatch('7.2', '72')).toBe(false);
  });
});

describeWithSharedData('outcome judge on every GSM8K gold answer', () => {
  it('agrees with gold for 72, 72.0, $72 and 72 dollars forms on all 7,473 rows, and rejects an off-by-one', () => {
    const lines = readFileSync(sharedDataPath('gsm8k/train.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(7473);
    const failures: string[] = [];
    let offByOneAccepted = 0;
    for (const line of lines) {
      const raw = (JSON.parse(line) as { answer: string }).answer;
      const gold = raw.slice(raw.lastIndexOf('####') + 4).trim();
      const plain = gold.replace(/,/g, '');
      const question = { task: 'math' as const, answer: gold, aliases: [] };
      const decimal = plain.includes('.') ? `${plain}0` : `${plain}.0`;
      for (const form of [plain, decimal, `$${plain}`, `${plain} dollars`]) {
        if (!scoreAnswer(form, question).correct) failures.push(`${gold} ← ${form}`);
      }
      if (scoreAnswer(String(Number(plain) + 1), question).correct) offByOneAccepted += 1;
    }
    expect(failures).toEqual([]);
    expect(offByOneAccepted).toBe(0);
  });
});
