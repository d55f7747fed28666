// Duplicate events: the same config put twice while its run is in flight, and one S3 event delivered twice, through the trigger rules of the synthesized stack.
import { prepareRun } from '../../core/run';
import { ObjectStore } from '../../core/store';
import { ConfigWatcher } from '../../local/engine/config-watcher';
import { TriggerRule } from '../../local/engine/trigger-rule';
import { EmbeddedS3Server } from '../../local/s3/embedded-s3-server';
import { runScenario, ScenarioResult } from './fault-scenario';

export interface DuplicateEventContext {
  server: EmbeddedS3Server;
  objects: ObjectStore;
  rules: TriggerRule[];
}

const CONFIG = (runId: string) => ({
  runId, dataset: { source: 'builtin:arith:train', format: 'arith', limit: 4 }, tools: { search: { enabled: false } },
  policy: { provider: 'scripted', responses: ['<math_exp>2 + 2</math_exp>', '<answer>4</answer>'] },
});

/** Starts the run's first stage (prepare) for each execution the rules start, and keeps it in flight a moment as a real run would be. */
async function watch(context: DuplicateEventContext, deliver: (runId: string) => Promise<void>, runId: string): Promise<{ executions: number; runs: string[] }> {
  const started: string[] = [];
  const watcher = new ConfigWatcher({
    source: context.server.events,
    rules: context.rules,
    startExecution: async (input) => {
      started.push(JSON.stringify(input));
      await prepareRun(context.objects, input as { bucket: string; key: string });
      await new Promise((resolve) => setTimeout(resolve, 500));
    },
  }).start();
  try {
    await deliver(runId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await watcher.settle();
  } finally {
    watcher.stop();
  }
  const runs = (await context.objects.list('runs/')).filter((key) => key.endsWith('/status.json'));
  return { executions: started.length, runs };
}

export async function runDuplicateEventScenarios(context: DuplicateEventContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  results.push(await runScenario('duplicate: same config put twice', 'one execution: the second upload arrives while the run is in flight and joins it', async () => {
    const seen = await watch(context, async (runId) => {
      await context.objects.putJson(`configs/${runId}.json`, CONFIG(runId));
      await context.objects.putJson(`configs/${runId}.json`, CONFIG(runId));
    }, 'dup-put');
    return { observed: `${seen.executions} execution(s) started, run prefixes with a status: ${seen.runs.filter((key) => key.includes('dup-put')).length}`, passed: seen.executions === 1 };
  }));
  results.push(await runScenario('duplicate: S3 event delivered twice', 'one execution for the two deliveries', async () => {
    const seen = await watch(context, async (runId) => {
      const key = `configs/${runId}.json`;
      const delivered: Array<{ eventName: string; bucket: string; key: string }> = [];
      const record = (event: { eventName: string; bucket: string; key: string }) => delivered.push(event);
      context.server.events.on('object', record);
      await context.objects.putJson(key, CONFIG(runId));
      context.server.events.off('object', record);
      // At-least-once delivery: the same event again.
      for (const event of delivered) context.server.events.emit('object', event);
    }, 'dup-event');
    return { observed: `${seen.executions} execution(s) started for 2 deliveries`, passed: seen.executions === 1 };
  }));
  return results;
}
