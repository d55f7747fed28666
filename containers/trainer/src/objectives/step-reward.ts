// Reward of a fresh action in a recorded state, with a content cache and bounded concurrency for batched calls.
import { createHash } from 'node:crypto';
import type { TrainingRecord } from '../../../../core/schemas/training-record';

export interface StepReward {
  readonly id: string;
  /** 1 for a GOOD step, 0 for a BAD one (or any score in [0, 1]). */
  score(record: TrainingRecord, action: string): Promise<number>;
}

export interface RewardRequest {
  record: TrainingRecord;
  action: string;
}

function cacheKey(rewardId: string, request: RewardRequest): string {
  return createHash('sha256').update(JSON.stringify([rewardId, request.record.context, request.record.reference, request.action])).digest('hex');
}

/** Scores many (state, action) pairs concurrently; identical pairs are scored once per process. */
export class BatchedRewardScorer {
  private readonly cache = new Map<string, Promise<number>>();
  calls = 0;
  cacheHits = 0;

  constructor(private readonly reward: StepReward, private readonly concurrency = 8) {}

  async scoreAll(requests: readonly RewardRequest[]): Promise<number[]> {
    const results = new Array<number>(requests.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const index = next;
        next += 1;
        results[index] = await this.scoreOne(requests[index]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, requests.length) }, worker));
    return results;
  }

  private scoreOne(request: RewardRequest): Promise<number> {
    const key = cacheKey(this.reward.id, request);
    const cached = this.cache.get(key);
    if (cached) {
      this.cacheHits += 1;
      return cached;
    }
    this.calls += 1;
    const pending = this.reward.score(request.record, request.action).then((value) => {
      if (!Number.isFinite(value)) throw new Error(`reward ${this.reward.id} returned ${value}: expected a finite number`);
      return value;
    });
    // A failed call is not cached, so a retry can succeed.
    pending.catch(() => this.cache.delete(key));
    this.cache.set(key, pending);
    return pending;
  }
}
