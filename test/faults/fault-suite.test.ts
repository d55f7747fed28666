// The fast part of the fault suite (`npm run bench -- faults` runs it all): provider, storage and duplicate-event faults against the local stack.
import { ObjectStore } from '../../core/store';
import { toTriggerRule } from '../../local/engine/trigger-rule';
import { runDuplicateEventScenarios } from '../../bench/support/duplicate-event-scenarios';
import { ScenarioResult } from '../../bench/support/fault-scenario';
import { FaultProxy } from '../../bench/support/fault-proxy';
import { runProviderFaultScenarios } from '../../bench/support/provider-fault-scenarios';
import { ScriptedChatEndpoint } from '../../bench/support/scripted-chat-endpoint';
import { runStorageFaultScenarios } from '../../bench/support/storage-fault-scenarios';
import { useEmbeddedObjectStore } from '../support/embedded-object-store';
import { useTemporaryDirectory } from '../support/temporary-directory';

/** Every scenario passed, with nothing lost or duplicated; the message lists what was observed. */
function expectAllPassed(results: ScenarioResult[]): void {
  expect(results.filter((result) => !result.passed).map((result) => `${result.name}: ${result.observed}`)).toEqual([]);
  expect(results.reduce((sum, result) => sum + result.recordsLost + result.recordsDuplicated, 0)).toBe(0);
}

describe('fault suite, fast subset', () => {
  const s3 = useEmbeddedObjectStore();
  const directory = useTemporaryDirectory('swirl-fault-suite-');
  const endpoint = new ScriptedChatEndpoint();
  let modelProxy: FaultProxy;
  let s3Proxy: FaultProxy;
  const previousTimeout = process.env.SWIRL_S3_REQUEST_TIMEOUT_MS;

  beforeAll(async () => {
    process.env.SWIRL_S3_REQUEST_TIMEOUT_MS = '1000';
    modelProxy = new FaultProxy(await endpoint.start());
    s3Proxy = new FaultProxy(s3.settings.endpoint!);
  });
  afterAll(async () => {
    process.env.SWIRL_S3_REQUEST_TIMEOUT_MS = previousTimeout;
    await Promise.all([modelProxy.stop(), s3Proxy.stop(), endpoint.stop()]);
  });

  it('policy and judge faults are retried within the budget or recorded with their reason; no stage crashes', async () => {
    const results = await runProviderFaultScenarios({ objects: s3.objects, proxy: modelProxy, baseUrl: `${await modelProxy.start()}/v1` }, { quick: true });
    expect(results.map((result) => result.name)).toEqual(['policy: 429 with Retry-After', 'policy: 503 storm', 'policy: malformed JSON reply', 'policy: 10 MB reply', 'judge: 503 storm']);
    expectAllPassed(results);
  });

  it('a failed S3 write is retried and an object whose writer was killed mid-write is never served truncated', async () => {
    const proxiedObjects = new ObjectStore({ ...s3.settings, endpoint: await s3Proxy.start() });
    const results = await runStorageFaultScenarios({ proxiedObjects, proxy: s3Proxy, directory: directory.path }, { quick: true });
    expect(results).toHaveLength(2);
    expectAllPassed(results);
  });

  it('a config put twice and an event delivered twice start one execution', async () => {
    const rule = toTriggerRule({
      logicalId: 'ConfigUploaded',
      eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [s3.objects.bucket] }, object: { key: [{ wildcard: 'configs/*.json' }] } } },
      inputPathsMap: { bucket: '$.detail.bucket.name', key: '$.detail.object.key' },
      inputTemplate: '{"bucket":<bucket>,"key":<key>}',
    });
    const results = await runDuplicateEventScenarios({ server: s3.server, objects: s3.objects, rules: [rule] });
    expect(results).toHaveLength(2);
    expectAllPassed(results);
  });
});
