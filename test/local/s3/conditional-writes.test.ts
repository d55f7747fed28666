// Conditional writes on the embedded S3 server, through @aws-sdk/client-s3: create-only PUTs, one winner of a race.
import { ObjectStore } from '../../../core/store/object-store';
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';

describe('If-None-Match on the embedded S3 server', () => {
  const server = new EmbeddedS3Server();
  let store: ObjectStore;
  beforeAll(async () => {
    store = new ObjectStore(await server.start());
  });
  afterAll(() => server.stop());

  it('creates an object once and refuses to replace it, leaving the first body', async () => {
    expect(await store.putJsonIfAbsent('runs/a/claim.json', { holder: 'first' })).toBe(true);
    expect(await store.putJsonIfAbsent('runs/a/claim.json', { holder: 'second' })).toBe(false);
    expect(JSON.parse((await store.getText('runs/a/claim.json'))!)).toEqual({ holder: 'first' });
    await store.delete('runs/a/claim.json');
    expect(await store.putJsonIfAbsent('runs/a/claim.json', { holder: 'third' })).toBe(true);
  });

  it('lets exactly one of many racing creates win', async () => {
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, index) => store.putJsonIfAbsent('runs/race/claim.json', { holder: index })));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const winner = outcomes.indexOf(true);
    expect(JSON.parse((await store.getText('runs/race/claim.json'))!)).toEqual({ holder: winner });
  });

  it('leaves plain writes unconditional', async () => {
    await store.putJson('runs/b/x.json', 1);
    await store.putJson('runs/b/x.json', 2);
    expect(await store.getText('runs/b/x.json')).toBe('2\n');
  });
});
