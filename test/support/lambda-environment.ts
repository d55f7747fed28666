// Runs Lambda handlers in process against the embedded S3 server, with the environment a deployed function gets.
import { ObjectStore } from '../../core/store';
import { EmbeddedS3Server, LOCAL_CREDENTIALS } from '../../local/s3/embedded-s3-server';

export interface LambdaEnvironment {
  objects(): ObjectStore;
}

/** Registers beforeAll/afterAll hooks that start a bucket and point SWIRL_* and AWS_* variables at it. */
export function useLambdaEnvironment(bucket: string): LambdaEnvironment {
  const server = new EmbeddedS3Server({ bucket });
  const saved = { ...process.env };
  let objects: ObjectStore | null = null;
  beforeAll(async () => {
    const settings = await server.start();
    objects = new ObjectStore(settings);
    Object.assign(process.env, {
      SWIRL_S3_ENDPOINT: settings.endpoint,
      SWIRL_BUCKET: settings.bucket,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await server.stop();
  });
  return {
    objects: () => {
      if (!objects) throw new Error('the embedded S3 server has not started yet');
      return objects;
    },
  };
}
