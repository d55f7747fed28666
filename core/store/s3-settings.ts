// Where the S3 API lives: every client in the project is built from these settings, so LocalStack, MinIO or AWS work unchanged.
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * A request to S3 that has not answered in this long is abandoned and retried (a write that hangs mid-stage would
 * otherwise hold the stage until its own timeout). SWIRL_S3_REQUEST_TIMEOUT_MS overrides it.
 */
export const DEFAULT_S3_REQUEST_TIMEOUT_MS = 120_000;

export interface S3Settings {
  /** Endpoint URL; undefined means the AWS default for the region. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Path-style addressing, needed by most local S3 servers. */
  forcePathStyle: boolean;
  /** Static credentials for local servers; undefined uses the default AWS provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Reads SWIRL_S3_ENDPOINT, SWIRL_BUCKET, AWS_REGION and SWIRL_S3_PATH_STYLE, with explicit overrides winning. */
export function resolveS3Settings(overrides: Partial<S3Settings> = {}, environment: NodeJS.ProcessEnv = process.env): S3Settings {
  const endpoint = overrides.endpoint ?? (environment.SWIRL_S3_ENDPOINT || undefined);
  const bucket = overrides.bucket ?? environment.SWIRL_BUCKET ?? 'swirl-local';
  return {
    endpoint,
    region: overrides.region ?? environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION ?? 'us-east-1',
    bucket,
    forcePathStyle: overrides.forcePathStyle ?? (environment.SWIRL_S3_PATH_STYLE ? environment.SWIRL_S3_PATH_STYLE === 'true' : endpoint !== undefined),
    credentials: overrides.credentials,
  };
}

export function createS3Client(settings: S3Settings, environment: NodeJS.ProcessEnv = process.env): S3Client {
  const requestTimeout = Number(environment.SWIRL_S3_REQUEST_TIMEOUT_MS) || DEFAULT_S3_REQUEST_TIMEOUT_MS;
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    maxAttempts: 5,
    requestHandler: new NodeHttpHandler({ requestTimeout, throwOnRequestTimeout: true, connectionTimeout: Math.min(requestTimeout, 10_000) }),
  });
}
