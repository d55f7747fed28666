// Lambda entry of stage 8 (report): {runId} → runs/<run>/metrics.json, runs/<run>/report.html, and a completion event.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { writeRunReport } from '../../core/report';
import { publishRunEvent } from './publish-run-event';
import { parseWith } from '../../core/schemas';
import { ObjectStore, resolveS3Settings } from '../../core/store';

const logger = new Logger({ serviceName: 'swirl-report' });
const ReportEventSchema = z.looseObject({ runId: z.string().min(1) });

export interface ReportResult {
  runId: string;
  state: 'SUCCEEDED' | 'FAILED' | 'RUNNING' | 'PENDING';
  metricsKey: string;
  reportKey: string;
  eventSent: boolean;
}

let events: EventBridgeClient | undefined;

export async function handler(event: unknown): Promise<ReportResult> {
  const { runId } = parseWith(ReportEventSchema, event, 'report event');
  const report = await writeRunReport(new ObjectStore(resolveS3Settings()), runId);
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
