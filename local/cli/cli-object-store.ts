// The object store a command writes to: an S3 endpoint when one is named, else the embedded server with persistent data.
import { ObjectStore, resolveS3Settings } from '../../core/store';
import { EmbeddedS3Server } from '../s3/embedded-s3-server';

export interface StoreOptions {
  endpoint?: string;
  bucket?: string;
  dataDir?: string;
}

export interface OpenedStore {
  objects: ObjectStore;
  /** Where the data went, for messages. */
  location: string;
  close(): Promise<void>;
}

/** --endpoint (or SWIRL_S3_ENDPOINT) selects any S3 API (AWS, MinIO, LocalStack); otherwise the embedded server runs for the command. */
export async function openCommandStore(options: StoreOptions): Promise<OpenedStore> {
  const endpoint = options.endpoint ?? (process.env.SWIRL_S3_ENDPOINT || undefined);
  if (endpoint) {
    const settings = resolveS3Settings({ endpoint, ...(options.bucket ? { bucket: options.bucket } : {}) });
    const objects = new ObjectStore(settings);
    return { objects, location: `s3://${settings.bucket} at ${endpoint}`, close: async () => objects.client.destroy() };
  }
  const directory = options.dataDir ?? EmbeddedS3Server.defaultDirectory();
  const server = new EmbeddedS3Server({ directory, bucket: options.bucket ?? process.env.SWIRL_BUCKET ?? 'swirl-local' });
  const settings = await server.start();
  const objects = new ObjectStore(settings);
  return {
    objects,
    location: `s3://${settings.bucket} in the embedded store (${directory})`,
    close: async () => {
      objects.client.destroy();
      await server.stop();
    },
  };
}
