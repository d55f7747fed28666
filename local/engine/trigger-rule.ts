// The EventBridge rule that starts the state machine, as the local watcher applies it, and the S3 event it matches.
import { randomUUID } from 'node:crypto';
import { JsonObject } from './asl-types';
import { RuleTarget } from './event-pattern';

export interface TriggerRule {
  logicalId: string;
  pattern: JsonObject;
  target: RuleTarget;
}

/** The shape infra's extractTriggerRules returns, converted for the watcher. */
export function toTriggerRule(rule: { logicalId: string; eventPattern: Record<string, unknown>; inputPathsMap: Record<string, string>; inputTemplate: string }): TriggerRule {
  return {
    logicalId: rule.logicalId,
    pattern: rule.eventPattern as JsonObject,
    target: { InputTransformer: { InputPathsMap: rule.inputPathsMap, InputTemplate: rule.inputTemplate } },
  };
}

/** The event EventBridge receives from S3 for an object event. */
export function createS3Event(eventName: string, bucket: string, key: string, region = 'us-east-1'): JsonObject {
  const created = eventName.includes('ObjectCreated');
  const reason = eventName.endsWith('Copy') ? 'CopyObject' : eventName.endsWith('CompleteMultipartUpload') ? 'CompleteMultipartUpload' : created ? 'PutObject' : 'DeleteObject';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': created ? 'Object Created' : 'Object Deleted',
    source: 'aws.s3',
    account: '000000000000',
    time: new Date().toISOString(),
    region,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, sequencer: Date.now().toString(16).toUpperCase() },
      'request-id': randomUUID(),
      requester: '000000000000',
      'source-ip-address': '127.0.0.1',
      reason,
    },
  };
}
