// Benchmark: fault injection against the local stack: kills at every stage, duplicate events, provider and storage faults; ends with one JSON line of scenarios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from '../core/store';
import { loadLocalPipeline } from '../local/engine/load-pipeline';
import { EmbeddedS3Server } from '../local/s3/embedded-s3-server';
import { runDuplicateEventScenarios } from './support/duplicate-event-scenarios';
import { ScenarioResult } from './support/fault-scenario';
import { FaultProxy } from './support/fault-proxy';
import { runKillScenarios } from './support/kill-scenarios';
import { runProviderFaultScenarios } from './support/provider-fault-scenarios';
import { ScriptedChatEndpoint } from './support/scripted-chat-endpoint';
import { runStorageFaultScenarios } from './support/storage-fault-scenarios';

const ROOT = join(__dirname, '..');

async function main(): Promise<void> {
  const only = process.argv[2];
  const directory = mkdtempSync(join(tmpdir(), 'swirl-faults-'));
  // Hung S3 requests are abandoned after a second here, so the hang scenario takes seconds, not minutes.
  process.env.SWIRL_S3_REQUEST_TIMEOUT_MS = '1000';
  const server = new EmbeddedS3Server({ directory: join(directory, 's3') });
  const settings = await server.start();
  const objects = new ObjectStore(settings);
  const endpoint = new ScriptedChatEndpoint();
  const modelProxy = new FaultProxy(await endpoint.start());
  const s3Proxy = new FaultProxy(settings.endpoint!);
  const results: ScenarioResult[] = [];
  try {
    const modelBase = `${await modelProxy.start()}/v1`;
    const proxiedObjects = new ObjectStore({ ...settings, endpoint: await s3Proxy.start() });
    if (!only || only === 'provider') results.push(...await runProviderFaultScenarios({ objects, proxy: modelProxy, baseUrl: modelBase }));
    if (!only || only === 'storage') results.push(...await runStorageFaultScenarios({ proxiedObjects, proxy: s3Proxy, directory }));
    if (!only || only === 'duplicate') {
      const { rules } = loadLocalPipeline({ root: ROOT, s3: settings });
      results.push(...await runDuplicateEventScenarios({ server, objects, rules }));
    }
    if (!only || only === 'kill') results.push(...await runKillScenarios(directory));
  } finally {
    await Promise.all([modelProxy.stop(), s3Proxy.stop(), endpoint.stop()]);
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  const passed = results.filter((result) => result.passed).length;
  console.log(JSON.stringify({
    bench: 'faults',
    scenarios: results.map(({ name, expected, observed, passed: ok }) => ({ name, expected, observed, passed: ok })),
    passed,
    failed: results.length - passed,
    recordsLost: results.reduce((sum, result) => sum + result.recordsLost, 0),
    recordsDuplicated: results.reduce((sum, result) => sum + result.recordsDuplicated, 0),
  }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
