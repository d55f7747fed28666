// Runs Lambda handlers in process against the embedded S3 server, with the environment a deployed function gets.
import { ObjectStore } from '../../core/store';
import { LOCAL_CREDENTIALS } from '../../local/s3/embedded-s3-server';
import { useEmbeddedObjectStore } from './embedded-object-store';

export interface LambdaEnvironment {
  objects(): ObjectStore;
}

/** Registers beforeAll/afterAll hooks that start a bucket and point SWIRL_* and AWS_* variables at it. */
export function useLambdaEnvironment(bucket: string): LambdaEnvironment {
  const s3 = useEmbeddedObjectStore({ bucket });
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, {
      SWIRL_S3_ENDPOINT: s3.settings.endpoint,
      SWIRL_BUCKET: s3.settings.bucket,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
  });
  afterAll(() => {
    process.env = saved;
  });
  return { objects: () => s3.objects };
}
