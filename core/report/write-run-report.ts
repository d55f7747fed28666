// The report stage: collect the run's outputs, write metrics.json and report.html, and describe the completion event.
import { ObjectStore } from '../store/object-store';
import { runKey, RUN_FILES } from '../store/run-keys';
import { RunStore } from '../store/run-store';
import { collectReportInputs } from './collect-report-inputs';
import { renderReportHtml } from './render-report-html';
import { RunEventDetail } from './run-event';
import { buildRunMetrics, RunMetrics } from './run-metrics';

export interface RunReport {
  runId: string;
  state: RunMetrics['state'];
  metricsKey: string;
  reportKey: string;
  event: RunEventDetail;
}

/** At most this many headline numbers travel in the completion event. */
const EVENT_HEADLINE_LIMIT = 12;

export async function writeRunReport(objects: ObjectStore, runId: string, now: () => Date = () => new Date()): Promise<RunReport> {
  const store = new RunStore(objects, runId);
  const inputs = await collectReportInputs(objects, runId);
  const failed = inputs.status?.state === 'FAILED';
  // A successful path reaching the report means every earlier stage succeeded; the run ends here.
  if (!failed) inputs.status = await store.updateStatus({ stage: 'report', stageState: 'RUNNING' });
  const metrics = buildRunMetrics(inputs, now().toISOString());
  if (!failed) metrics.state = 'SUCCEEDED';
  await store.putJson(RUN_FILES.metrics, metrics);
  await objects.putText(runKey(runId, RUN_FILES.report), renderReportHtml(metrics), 'text/html; charset=utf-8');
  if (!failed) await store.updateStatus({ state: 'SUCCEEDED', stage: 'report', stageState: 'SUCCEEDED' });
  const metricsKey = runKey(runId, RUN_FILES.metrics);
  const reportKey = runKey(runId, RUN_FILES.report);
  const state = failed ? 'FAILED' : 'SUCCEEDED';
  return {
    runId, state, metricsKey, reportKey,
    event: {
      runId, state, bucket: objects.bucket, metricsKey, reportKey,
      failedStage: metrics.failure?.stage ?? null,
      error: metrics.failure ? `${metrics.failure.error}: ${metrics.failure.cause}`.slice(0, 1000) : null,
      headline: Object.fromEntries(Object.entries(metrics.headline).slice(0, EVENT_HEADLINE_LIMIT)),
    },
  };
}
