// SQuAD-style answer normalization, exact match and token F1.
import { exactMatch, normalizeAnswer, scoreAnswer, scoreQaAnswer, tokenF1 } from '../../../core/judges';

describe('SQuAD-style QA scoring', () => {
  it('normalizes case, punctuation, articles and whitespace', () => {
    expect(normalizeAnswer('  The  Eiffel-Tower! ')).toBe('eiffel tower');
    expect(exactMatch('an apple', 'Apple.')).toBe(true);
    expect(exactMatch('apple pie', 'apple')).toBe(false);
  });

  it('computes token F1 from overlapping tokens', () => {
    expect(tokenF1('Barack Obama', 'Obama')).toBeCloseTo(2 / 3, 9);
    expect(tokenF1('the cat sat', 'a dog ran')).toBe(0);
    expect(tokenF1('New York City', 'new york city')).toBe(1);
  });

  it('takes the best score over aliases', () => {
    expect(scoreQaAnswer('NYC', 'New York City', ['NYC', 'New York'])).toEqual({ exactMatch: true, f1: 1 });
    expect(scoreQaAnswer('York', 'New York City', ['New York'])).toEqual({ exactMatch: false, f1: 2 / 3 });
  });

  it('scores QA outcomes by exact match with F1, and a missing answer as wrong', () => {
    const question = { task: 'qa' as const, answer: 'Tulsa', aliases: ['Tulsa, Oklahoma'] };
    expect(scoreAnswer('tulsa', question)).toEqual({ correct: true, f1: 1 });
    expect(scoreAnswer('Tulsa Oklahoma', question)).toEqual({ correct: true, f1: 1 });
    expect(scoreAnswer('Oklahoma City', question)).toMatchObject({ correct: false });
    expect(scoreAnswer(null, question)).toEqual({ correct: false, f1: 0 });
  });
});
