// The object and run stores over the embedded S3 server.
import { z } from 'zod';
import { RunStore, runKey, InvalidStoreKeyError } from '../../../core/store';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

describe('run store over the embedded S3 server', () => {
  const s3 = useEmbeddedObjectStore();

  it('writes JSON Lines whole, so a retried write replaces instead of appending', async () => {
    const store = new RunStore(s3.objects, 'r1');
    await store.putJsonLines('steps/a.jsonl', [{ n: 1 }, { n: 2 }]);
    await store.putJsonLines('steps/a.jsonl', [{ n: 3 }]);
    expect(await store.readAllJsonLines('steps/a.jsonl', z.object({ n: z.number() }))).toEqual([{ n: 3 }]);
  });

  it('streams lines and reports bad ones with their numbers', async () => {
    await s3.objects.putText('runs/r1/x.jsonl', '{"n":1}\n{"n":\n{"n":"two"}\n{"n":4}\n');
    const seen: Array<{ line: number; ok: boolean }> = [];
    for await (const entry of s3.objects.readJsonLines('runs/r1/x.jsonl', z.strictObject({ n: z.number() }))) {
      seen.push({ line: entry.line, ok: entry.error === undefined });
    }
    expect(seen).toEqual([{ line: 1, ok: true }, { line: 2, ok: false }, { line: 3, ok: false }, { line: 4, ok: true }]);
  });

  it('lists parts and tracks status', async () => {
    const store = new RunStore(s3.objects, 'r2');
    await store.putJsonLines('trajectories/shard-0001.jsonl', [{}]);
    await store.putJsonLines('trajectories/shard-0000.jsonl', [{}]);
    expect(await store.listParts('trajectories')).toEqual(['runs/r2/trajectories/shard-0000.jsonl', 'runs/r2/trajectories/shard-0001.jsonl']);
    await store.updateStatus({ state: 'RUNNING', stage: 'rollout', stageState: 'RUNNING' });
    const status = await store.updateStatus({ stage: 'rollout', stageState: 'SUCCEEDED', counts: { trajectories: 3 } });
    expect(status.stages.rollout?.state).toBe('SUCCEEDED');
    expect(status.stages.rollout?.startedAt).not.toBeNull();
    expect(status.stages.rollout?.counts).toEqual({ trajectories: 3 });
  });

  it('rejects keys that escape the run prefix', () => {
    const store = new RunStore(s3.objects, 'r3');
    expect(() => store.key('..', 'other', 'x')).toThrow(InvalidStoreKeyError);
    expect(() => store.checkKey('runs/r4/steps/a.jsonl')).toThrow(InvalidStoreKeyError);
    expect(() => store.checkKey('runs/r3/../r4/a.jsonl')).toThrow(InvalidStoreKeyError);
    expect(() => runKey('../x', 'a')).toThrow(InvalidStoreKeyError);
    expect(store.checkKey('runs/r3/steps/a.jsonl')).toBe('runs/r3/steps/a.jsonl');
  });

  it('returns null for missing objects', async () => {
    expect(await s3.objects.getText('runs/r1/missing.json')).toBeNull();
    expect(await s3.objects.exists('runs/r1/missing.json')).toBe(false);
  });
});
