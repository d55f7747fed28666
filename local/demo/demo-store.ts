// The object store a demo writes to: a throwaway embedded S3 server, or the persistent one (--keep) or any endpoint.
import { ObjectStore } from '../../core/store/object-store';
import { openCommandStore, OpenedStore, StoreOptions } from '../cli/cli-object-store';
import { EmbeddedS3Server } from '../s3/embedded-s3-server';

/** With keep (or an endpoint) the run stays readable by `swirl status`; otherwise its objects vanish with the process. */
export async function openDemoStore(options: StoreOptions & { keep?: boolean }): Promise<OpenedStore> {
  const endpoint = options.endpoint ?? (process.env.SWIRL_S3_ENDPOINT || undefined);
  if (options.keep || endpoint || options.dataDir) return openCommandStore(options);
  const server = new EmbeddedS3Server({ bucket: options.bucket ?? process.env.SWIRL_BUCKET ?? 'swirl-local' });
  const settings = await server.start();
  const objects = new ObjectStore(settings);
  return {
    objects,
    location: `s3://${settings.bucket} in a temporary embedded store (removed at exit; --keep keeps it)`,
    close: async () => {
      objects.client.destroy();
      await server.stop();
    },
  };
}
