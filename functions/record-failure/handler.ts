// Lambda entry of the Catch path: {stage, error, cause, execution, input} → runs/<run>/status.json marked FAILED.
import { Logger } from '@aws-lambda-powertools/logger';
import { recordRunFailure, RecordedFailure } from '../../core/report/record-run-failure';
import { ObjectStore, resolveS3Settings } from '../../core/store';

const logger = new Logger({ serviceName: 'swirl-record-failure' });

export async function handler(event: unknown): Promise<RecordedFailure> {
  const recorded = await recordRunFailure(new ObjectStore(resolveS3Settings()), event);
  const { stage, error } = (event ?? {}) as { stage?: string; error?: string };
  logger.error('run failed', { runId: recorded.runId, stage, error });
  return recorded;
}
