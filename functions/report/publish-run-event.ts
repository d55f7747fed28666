// Puts a run's completion event on an EventBridge bus; an entry EventBridge refuses fails the report stage.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { RUN_EVENT_SOURCE, RunEventDetail, runEventDetailType } from '../../core/report';

export async function publishRunEvent(events: EventBridgeClient, bus: string, detail: RunEventDetail): Promise<void> {
  const response = await events.send(new PutEventsCommand({
    Entries: [{ EventBusName: bus, Source: RUN_EVENT_SOURCE, DetailType: runEventDetailType(detail.state), Detail: JSON.stringify(detail) }],
  }));
  // PutEvents reports per-entry failures in the body, not as an exception.
  if (response.FailedEntryCount) throw new Error(`EventBridge rejected the completion event: ${response.Entries?.[0]?.ErrorCode ?? 'unknown'} ${response.Entries?.[0]?.ErrorMessage ?? ''}`);
}
