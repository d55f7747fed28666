// Lambda entry of stage 8 (report): {runId} → runs/<run>/metrics.json, runs/<run>/report.html, and a completion event.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { writeRunReport } from '../../core/report';
import { publishRunEvent } from './publish-run-event';
import { parseWith } from '../../core/schemas';
import { releaseRun } from '../../core/run/run-claim';
import { ObjectStore, resolveS3Settings, RunStore } from '../../core/store';

const logger = new Logger({ serviceName: 'swirl-report' });
const ReportEventSchema = z.looseObject({ runId: z.string().min(1), execution: z.string().min(1).optional() });

export interface ReportResult {
  runId: string;
  state: 'SUCCEEDED' | 'FAILED' | 'RUNNING' | 'PENDING';
  metricsKey: string;
  reportKey: string;
  eventSent: boolean;
}

let events: EventBridgeClient | undefined;

export async function handler(event: unknown): Promise<ReportResult> {
  const { runId, execution } = parseWith(ReportEventSchema, event, 'report event');
  const objects = new ObjectStore(resolveS3Settings());
  const report = await writeRunReport(objects, runId);
  // The run is done: a later trigger for it may start a new execution.
  await releaseRun(new RunStore(objects, runId), execution ?? null);
  const bus = process.env.SWIRL_EVENT_BUS;
  let eventSent = false;
  if (bus) {
    events ??= new EventBridgeClient({ endpoint: process.env.SWIRL_EVENTS_ENDPOINT || undefined });
    await publishRunEvent(events, bus, report.event);
    eventSent = true;
  }
  logger.info('run reported', { runId, state: report.state, metricsKey: report.metricsKey, eventSent });
  return { runId, state: report.state, metricsKey: report.metricsKey, reportKey: report.reportKey, eventSent };
}
