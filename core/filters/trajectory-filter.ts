// Trajectory filtering (none | process | outcome | process+outcome): each trajectory lands in exactly one bucket per strategy.
import { FILTER_STRATEGIES, FilterStrategy } from '../schemas/run-config';
import { Verdict } from '../schemas/judgment';

export const TRAJECTORY_BUCKETS = ['kept', 'droppedEmpty', 'droppedUnjudged', 'droppedBadStep', 'droppedUnknownStep', 'droppedIncorrect'] as const;
export type TrajectoryBucket = (typeof TRAJECTORY_BUCKETS)[number];

/** What the filters know of a trajectory: one verdict per step (null when the step was not judged) and its outcome. */
export interface TrajectoryEvidence {
  trajectoryId: string;
  stepVerdicts: ReadonlyArray<Verdict | null>;
  /** Outcome judge verdict; null when it was not judged. */
  correct: boolean | null;
}

function classifyProcess(evidence: TrajectoryEvidence): TrajectoryBucket | null {
  if (evidence.stepVerdicts.some((verdict) => verdict === null)) return 'droppedUnjudged';
  if (evidence.stepVerdicts.some((verdict) => verdict === 'BAD')) return 'droppedBadStep';
  if (evidence.stepVerdicts.some((verdict) => verdict === 'unknown')) return 'droppedUnknownStep';
  return null;
}

function classifyOutcome(evidence: TrajectoryEvidence): TrajectoryBucket | null {
  if (evidence.correct === null) return 'droppedUnjudged';
  return evidence.correct ? null : 'droppedIncorrect';
}

/**
 * `process` keeps a trajectory only when every step is GOOD (unknown is not GOOD); `outcome` only when the
 * final answer is correct; `process+outcome` needs both. A trajectory without steps has nothing to learn from.
 */
export function classifyTrajectory(evidence: TrajectoryEvidence, strategy: FilterStrategy): TrajectoryBucket {
  if (evidence.stepVerdicts.length === 0) return 'droppedEmpty';
  const process = strategy === 'process' || strategy === 'process+outcome' ? classifyProcess(evidence) : null;
  if (process) return process;
  const outcome = strategy === 'outcome' || strategy === 'process+outcome' ? classifyOutcome(evidence) : null;
  return outcome ?? 'kept';
}

export type BucketCounts = Record<TrajectoryBucket, number>;

export function createBucketCounts(): BucketCounts {
  return Object.fromEntries(TRAJECTORY_BUCKETS.map((bucket) => [bucket, 0])) as BucketCounts;
}

/** Bucket counts for every strategy at once, so the manifest can compare them side by side. */
export function countBucketsPerStrategy(evidence: Iterable<TrajectoryEvidence>): Record<FilterStrategy, BucketCounts> {
  const counts = Object.fromEntries(FILTER_STRATEGIES.map((strategy) => [strategy, createBucketCounts()])) as Record<FilterStrategy, BucketCounts>;
  for (const item of evidence) {
    for (const strategy of FILTER_STRATEGIES) counts[strategy][classifyTrajectory(item, strategy)] += 1;
  }
  return counts;
}
