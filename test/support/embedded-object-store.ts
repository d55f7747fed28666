// An ObjectStore over a fresh embedded S3 server for one test file or describe block, started and stopped by jest hooks.
import { ObjectStore } from '../../core/store';
import { EmbeddedS3Options, EmbeddedS3Server } from '../../local/s3/embedded-s3-server';
import { S3Settings } from '../../core/store';

export interface EmbeddedObjectStore {
  readonly server: EmbeddedS3Server;
  /** The store over the started server; reading it before beforeAll ran is a mistake in the test. */
  readonly objects: ObjectStore;
  readonly settings: S3Settings;
}

/** Registers beforeAll/afterAll hooks in the enclosing block; use the returned store inside tests and later hooks. */
export function useEmbeddedObjectStore(options: EmbeddedS3Options = {}): EmbeddedObjectStore {
  const server = new EmbeddedS3Server(options);
  let started: { objects: ObjectStore; settings: S3Settings } | null = null;
  beforeAll(async () => {
    const settings = await server.start();
    started = { objects: new ObjectStore(settings), settings };
  });
  afterAll(() => server.stop());
  const requireStarted = (): { objects: ObjectStore; settings: S3Settings } => {
    if (!started) throw new Error('the embedded S3 server has not started yet');
    return started;
  };
  return {
    server,
    get objects() {
      return requireStarted().objects;
    },
    get settings() {
      return requireStarted().settings;
    },
  };
}
