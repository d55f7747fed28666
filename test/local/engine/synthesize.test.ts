// The synth cache key: a hash of infra/ and functions/ sources, cdk.json and the settings.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashStackSources, synthesizeStack } from '../../../local/engine/synthesize';

describe('hashStackSources', () => {
  const root = mkdtempSync(join(tmpdir(), 'swirl-hash-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('changes when a source, cdk.json or the settings change, and only then', () => {
    mkdirSync(join(root, 'infra'), { recursive: true });
    mkdirSync(join(root, 'functions', 'prepare'), { recursive: true });
    mkdirSync(join(root, 'core'), { recursive: true });
    writeFileSync(join(root, 'infra', 'app.ts'), 'one');
    writeFileSync(join(root, 'functions', 'prepare', 'handler.ts'), 'two');
    writeFileSync(join(root, 'cdk.json'), '{}');
    const first = hashStackSources(root);
    expect(hashStackSources(root)).toBe(first);
    writeFileSync(join(root, 'core', 'unrelated.ts'), 'x');
    expect(hashStackSources(root)).toBe(first);
    writeFileSync(join(root, 'functions', 'prepare', 'handler.ts'), 'changed');
    const second = hashStackSources(root);
    expect(second).not.toBe(first);
    expect(hashStackSources(root, { maxConcurrency: { rollout: 2 } })).not.toBe(second);
    writeFileSync(join(root, 'cdk.json'), '{"context":{}}');
    expect(hashStackSources(root)).not.toBe(second);
  });

  it('serves a cached template without loading the CDK app', () => {
    const cache = join(root, 'cache');
    const hash = hashStackSources(root);
    mkdirSync(join(cache, hash), { recursive: true });
    writeFileSync(join(cache, hash, 'template.json'), JSON.stringify({ Resources: { Marker: { Type: 'AWS::S3::Bucket' } } }));
    writeFileSync(join(cache, hash, 'stack-name.txt'), 'Cached');
    // infra/app.ts here is not a CDK app, so a cache miss would throw.
    const synthesized = synthesizeStack({ root, cacheDirectory: cache });
    expect(synthesized).toMatchObject({ cached: true, stackName: 'Cached', sourceHash: hash });
    expect(synthesized.template.Resources.Marker.Type).toBe('AWS::S3::Bucket');
  });
});
