// One execution per run: prepare claims runs/<run>/claim.json with a create-only write, so a duplicate trigger (an S3
// event delivered twice, a config put twice) stops at prepare instead of running the pipeline a second time.
import { z } from 'zod';
import type { RunStore } from '../store/run-store';

export const CLAIM_FILE = 'claim.json';

const RunClaimSchema = z.strictObject({
  execution: z.string().min(1),
  claimedAt: z.string(),
  /** After this the claiming execution has ended whatever happened to it (the state machine's timeout). */
  expiresAt: z.string(),
});
export type RunClaim = z.infer<typeof RunClaimSchema>;

/** The error name the state machine routes to "Duplicate trigger": no status is written, the holder's run goes on. */
export const RUN_ALREADY_CLAIMED = 'RunAlreadyClaimed';

export class RunAlreadyClaimedError extends Error {
  constructor(readonly runId: string, readonly holder: RunClaim) {
    super(`run ${runId} is already being run by execution ${holder.execution} (claimed ${holder.claimedAt}); this trigger is a duplicate and stops here. If that execution is no longer running, start the run again with \`swirl run\` (which takes it over) or delete runs/${runId}/${CLAIM_FILE}`);
    this.name = RUN_ALREADY_CLAIMED;
  }
}

export interface ClaimOptions {
  /** Execution name (unique per state machine). */
  execution: string;
  /** An explicit restart (`swirl run`) takes the run over from whatever holds it. */
  takeOver?: boolean;
  /** How long a claim can be held: the state machine's execution timeout. Default 72 hours. */
  holdHours?: number;
  now?: Date;
}

/**
 * Claims the run for an execution, or throws RunAlreadyClaimedError naming the holder. The same execution claiming
 * again (a retried prepare) succeeds, and so does anyone once the holder's claim has expired.
 */
export async function claimRun(store: RunStore, options: ClaimOptions): Promise<void> {
  const now = options.now ?? new Date();
  const claim: RunClaim = {
    execution: options.execution,
    claimedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (options.holdHours ?? 72) * 3_600_000).toISOString(),
  };
  if (options.takeOver) return store.putJson(CLAIM_FILE, claim);
  // Twice at most: a holder that releases between our attempt and our read leaves the run free.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await store.objects.putJsonIfAbsent(store.key(CLAIM_FILE), claim)) return;
    const holder = await store.getJson(CLAIM_FILE, RunClaimSchema);
    if (!holder) continue;
    if (holder.execution === options.execution) return;
    if (Date.parse(holder.expiresAt) <= now.getTime()) return store.putJson(CLAIM_FILE, claim);
    throw new RunAlreadyClaimedError(store.runId, holder);
  }
  throw new Error(`run ${store.runId}: ${CLAIM_FILE} kept changing while it was claimed; retry the trigger`);
}

/** Frees the run at the end of its execution; only the holder's claim is removed (a later claimant's stays). */
export async function releaseRun(store: RunStore, execution: string | null): Promise<void> {
  if (execution !== null) {
    const holder = await store.getJson(CLAIM_FILE, RunClaimSchema).catch(() => null);
    if (!holder || holder.execution !== execution) return;
  }
  await store.objects.delete(store.key(CLAIM_FILE));
}
