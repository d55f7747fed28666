// Judge verdicts cached in S3 by (judge model, prompt version, context hash, action hash), shared by every run and strategy.
import { z } from 'zod';
import { ObjectStore } from '../store/object-store';
import { Message } from '../schemas/message';
import { hashJson, hashText } from './content-hash';

export const JUDGE_CACHE_PREFIX = 'cache/judge/';

export const JudgeCacheEntrySchema = z.strictObject({
  verdict: z.enum(['GOOD', 'BAD', 'YES', 'NO']),
  rationale: z.string(),
  judge: z.string(),
  promptVersion: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type JudgeCacheEntry = z.infer<typeof JudgeCacheEntrySchema>;

export interface JudgeCacheKeyParts {
  kind: 'process' | 'outcome';
  judgeModel: string;
  promptVersion: string;
  context: readonly Message[] | string;
  action: string;
}

/** The cache key: only these parts decide a verdict, so equal parts mean a verdict already paid for. */
export function createJudgeCacheKey(parts: JudgeCacheKeyParts): string {
  const contextHash = typeof parts.context === 'string' ? hashText(parts.context) : hashJson(parts.context);
  const hash = hashJson([parts.kind, parts.judgeModel, parts.promptVersion, contextHash, hashText(parts.action)]);
  return `${JUDGE_CACHE_PREFIX}${hash.slice(0, 2)}/${hash}.json`;
}

export interface JudgeCache {
  get(key: string): Promise<JudgeCacheEntry | null>;
  put(key: string, entry: JudgeCacheEntry): Promise<void>;
}

/** One small object per verdict: concurrent judges never overwrite each other's entries. */
export class S3JudgeCache implements JudgeCache {
  constructor(private readonly objects: ObjectStore) {}

  async get(key: string): Promise<JudgeCacheEntry | null> {
    try {
      return await this.objects.getJson(key, JudgeCacheEntrySchema);
    } catch (error) {
      // A corrupt entry is a miss: the verdict is recomputed and the entry replaced.
      if (error instanceof Error && error.message.includes(key)) return null;
      throw error;
    }
  }

  async put(key: string, entry: JudgeCacheEntry): Promise<void> {
    await this.objects.putJson(key, entry);
  }
}

/** A cache that remembers nothing, for judges run without a store. */
export const NO_JUDGE_CACHE: JudgeCache = {
  get: async () => null,
  put: async () => undefined,
};
