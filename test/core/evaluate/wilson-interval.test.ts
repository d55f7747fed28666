// Accuracy with Wilson intervals per evaluation set.
import { computeSetMetrics, computeWilsonInterval, EvaluationRecord } from '../../../core/evaluate';

describe('computeWilsonInterval', () => {
  it('matches known 95% intervals', () => {
    const half = computeWilsonInterval(50, 100);
    expect(half.low).toBeCloseTo(0.4038, 4);
    expect(half.high).toBeCloseTo(0.5962, 4);
    const rare = computeWilsonInterval(1, 10);
    expect(rare.low).toBeCloseTo(0.0179, 4);
    expect(rare.high).toBeCloseTo(0.4042, 4);
  });

  it('stays inside [0, 1] at the edges and narrows with more trials', () => {
    expect(computeWilsonInterval(0, 20).low).toBe(0);
    expect(computeWilsonInterval(20, 20).high).toBe(1);
    expect(computeWilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    const small = computeWilsonInterval(7, 10);
    const large = computeWilsonInterval(700, 1000);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });

  it('rejects impossible counts', () => {
    expect(() => computeWilsonInterval(5, 3)).toThrow('expected 0 <= successes <= trials');
  });
});

describe('computeSetMetrics', () => {
  const record = (correct: boolean, f1: number | null, steps: number, task: 'math' | 'qa' = 'qa'): EvaluationRecord => ({
    questionId: 'q', task, question: 'Q?', gold: 'a', prediction: correct ? 'a' : 'b', correct, f1, judge: 'rule:outcome', steps,
    inputTokens: 100, outputTokens: 10 * steps, finishReason: 'answered', model: 'm',
  });

  it('reports accuracy with its interval, mean F1, steps and tokens', () => {
    const metrics = computeSetMetrics([record(true, 1, 2), record(false, 0.5, 4), record(true, 1, 3), record(false, 0, 5)]);
    expect(metrics).toMatchObject({ questions: 4, correct: 2, accuracy: 0.5, f1: 0.625, meanSteps: 3.5, meanTokens: 135, finishReasons: { answered: 4 } });
    expect(metrics.ci95).toEqual(computeWilsonInterval(2, 4));
  });

  it('has no F1 for math sets and zero accuracy for an empty set', () => {
    expect(computeSetMetrics([record(true, null, 1, 'math')]).f1).toBeNull();
    expect(computeSetMetrics([])).toMatchObject({ questions: 0, accuracy: 0, ci95: { low: 0, high: 1 } });
  });
});
