// Trajectory filters (none, process, outcome, both) by example and by property.
import fc from 'fast-check';
import { classifyTrajectory, countBucketsPerStrategy, TRAJECTORY_BUCKETS, TrajectoryEvidence } from '../../../core/filters';
import { FILTER_STRATEGIES } from '../../../core/schemas';

const evidence = (stepVerdicts: TrajectoryEvidence['stepVerdicts'], correct: boolean | null): TrajectoryEvidence => ({ trajectoryId: 't', stepVerdicts, correct });

describe('trajectory filters', () => {
  it('apply each strategy as the method defines it', () => {
    const allGoodWrong = evidence(['GOOD', 'GOOD'], false);
    const oneBadRight = evidence(['GOOD', 'BAD'], true);
    const unknownRight = evidence(['unknown', 'GOOD'], true);
    expect(FILTER_STRATEGIES.map((strategy) => classifyTrajectory(allGoodWrong, strategy))).toEqual(['kept', 'kept', 'droppedIncorrect', 'droppedIncorrect']);
    expect(FILTER_STRATEGIES.map((strategy) => classifyTrajectory(oneBadRight, strategy))).toEqual(['kept', 'droppedBadStep', 'kept', 'droppedBadStep']);
    expect(classifyTrajectory(unknownRight, 'process')).toBe('droppedUnknownStep');
    expect(classifyTrajectory(evidence(['GOOD', null], true), 'process')).toBe('droppedUnjudged');
    expect(classifyTrajectory(evidence(['GOOD'], null), 'outcome')).toBe('droppedUnjudged');
    expect(classifyTrajectory(evidence([], true), 'none')).toBe('droppedEmpty');
  });

  it('put every trajectory in exactly one bucket per strategy', () => {
    const arbitrary = fc.array(fc.record({
      trajectoryId: fc.string(),
      stepVerdicts: fc.array(fc.constantFrom('GOOD' as const, 'BAD' as const, 'unknown' as const, null), { maxLength: 6 }),
      correct: fc.constantFrom(true, false, null),
    }), { maxLength: 60 });
    fc.assert(fc.property(arbitrary, (items) => {
      const counts = countBucketsPerStrategy(items);
      for (const strategy of FILTER_STRATEGIES) {
        expect(TRAJECTORY_BUCKETS.reduce((sum, bucket) => sum + counts[strategy][bucket], 0)).toBe(items.length);
      }
      // Stricter strategies never keep more than looser ones.
      expect(counts['process+outcome'].kept).toBeLessThanOrEqual(Math.min(counts.process.kept, counts.outcome.kept));
      expect(Math.max(counts.process.kept, counts.outcome.kept)).toBeLessThanOrEqual(counts.none.kept);
    }));
  });
});
