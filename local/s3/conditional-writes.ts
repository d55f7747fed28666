// S3's conditional writes on the embedded server: a PUT with `If-None-Match: *` creates the object only where none
// exists (412 PreconditionFailed otherwise), atomically among the server's own requests, as S3 does.
import { access } from 'node:fs/promises';
import type { FilesystemObjectStore } from './atomic-object-writes';

/** The slice of a Koa context the middleware reads and writes (s3rver ships no types). */
interface RequestContext {
  method: string;
  path: string;
  get(header: string): string;
  status: number;
  body: unknown;
  type: string;
}

type Middleware = (context: RequestContext, next: () => Promise<void>) => Promise<void>;

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

function preconditionFailed(key: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition><Key>${key.replace(/[<>&]/g, '')}</Key></Error>`;
}

/**
 * Path-style requests only (the embedded server is addressed that way). Conditional PUTs of one key run one after
 * another, so of two racing creates exactly one succeeds.
 */
export function createConditionalWrites(store: FilesystemObjectStore): Middleware {
  const pending = new Map<string, Promise<void>>();
  return async (context, next) => {
    if (context.method !== 'PUT' || context.get('if-none-match') !== '*') return next();
    const [, bucket, ...rest] = context.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (!bucket || !key) return next();
    const slot = `${bucket}/${key}`;
    const previous = pending.get(slot) ?? Promise.resolve();
    let finish!: () => void;
    const mine = new Promise<void>((resolve) => (finish = resolve));
    const chained = previous.then(() => mine);
    pending.set(slot, chained);
    await previous;
    try {
      if (await exists(store.getResourcePath(bucket, key, 'object'))) {
        context.status = 412;
        context.type = 'application/xml';
        context.body = preconditionFailed(key);
        return;
      }
      await next();
    } finally {
      finish();
      if (pending.get(slot) === chained) pending.delete(slot);
    }
  };
}
