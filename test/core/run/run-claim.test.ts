// Claiming a run for one execution against the embedded S3 server: duplicates refused, retries and take-overs allowed.
import { claimRun, releaseRun, RunAlreadyClaimedError, CLAIM_FILE } from '../../../core/run/run-claim';
import { ObjectStore } from '../../../core/store/object-store';
import { RunStore } from '../../../core/store/run-store';
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';

describe('run claims', () => {
  const server = new EmbeddedS3Server();
  let objects: ObjectStore;
  beforeAll(async () => {
    objects = new ObjectStore(await server.start());
  });
  afterAll(() => server.stop());

  it('refuses a second execution with the holder named, lets the holder claim again, and frees the run on release', async () => {
    const store = new RunStore(objects, 'claimed');
    await claimRun(store, { execution: 'first' });
    await expect(claimRun(store, { execution: 'second' })).rejects.toThrow(/already being run by execution first .* duplicate/);
    await expect(claimRun(store, { execution: 'second' })).rejects.toBeInstanceOf(RunAlreadyClaimedError);
    await claimRun(store, { execution: 'first' });
    // Only the holder's release frees the run.
    await releaseRun(store, 'second');
    expect(await store.exists(CLAIM_FILE)).toBe(true);
    await releaseRun(store, 'first');
    expect(await store.exists(CLAIM_FILE)).toBe(false);
    await claimRun(store, { execution: 'second' });
  });

  it('gives the run to exactly one of several executions claiming at once', async () => {
    const store = new RunStore(objects, 'raced');
    const outcomes = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((execution) => claimRun(store, { execution })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(RunAlreadyClaimedError);
  });

  it('lets an explicit restart take the run over, and anyone take it once the claim has expired', async () => {
    const store = new RunStore(objects, 'stale');
    await claimRun(store, { execution: 'killed', holdHours: 1, now: new Date('2026-01-01T00:00:00Z') });
    await expect(claimRun(store, { execution: 'early', now: new Date('2026-01-01T00:30:00Z') })).rejects.toBeInstanceOf(RunAlreadyClaimedError);
    await claimRun(store, { execution: 'late', now: new Date('2026-01-01T01:00:01Z') });
    await claimRun(store, { execution: 'restart', takeOver: true });
    await expect(claimRun(store, { execution: 'late' })).rejects.toThrow(/execution restart/);
  });
});
