// The embedded S3 server: s3rver in process on an ephemeral loopback port, with its data under a cache or temp dir.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { S3Settings } from '../../core/store/s3-settings';
import { FilesystemObjectStore, makeObjectWritesAtomic } from './atomic-object-writes';
import { createConditionalWrites } from './conditional-writes';

// s3rver ships no types; this is the part of its surface the project uses.
interface S3rverInstance extends EventEmitter {
  store: FilesystemObjectStore;
  /** Koa's middleware list, composed when the server starts listening. */
  middleware: unknown[];
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

/** An object event the in-process server emits for puts, copies and deletes. */
export interface ObjectEvent {
  eventName: string;
  bucket: string;
  key: string;
}

export interface EmbeddedS3Options {
  /** Data directory; default: a fresh temp dir removed on stop. */
  directory?: string;
  bucket?: string;
  port?: number;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export class EmbeddedS3Server {
  private server: S3rverInstance | null = null;
  private temporary: string | null = null;
  readonly events = new EventEmitter();
  settings: S3Settings | null = null;

  constructor(private readonly options: EmbeddedS3Options = {}) {}

  /** The default persistent data dir for `swirl up` / `npm start`. */
  static defaultDirectory(): string {
    const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
    return join(base, 'swirl', 's3');
  }

  async start(): Promise<S3Settings> {
    const bucket = this.options.bucket ?? 'swirl-local';
    let directory = this.options.directory;
    if (!directory) {
      this.temporary = mkdtempSync(join(tmpdir(), 'swirl-s3-'));
      directory = this.temporary;
    }
    mkdirSync(directory, { recursive: true });
    const server = new S3rver({
      address: '127.0.0.1',
      port: this.options.port ?? 0,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
      allowMismatchedSignatures: true,
    });
    makeObjectWritesAtomic(server.store);
    // Ahead of s3rver's own handlers, so a conditional PUT is decided before anything is written.
    server.middleware.unshift(createConditionalWrites(server.store));
    server.on('event', (event: { Records?: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string } } }> }) => {
      for (const record of event.Records ?? []) {
        this.events.emit('object', {
          eventName: record.eventName,
          bucket: record.s3.bucket.name,
          key: decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')),
        } satisfies ObjectEvent);
      }
    });
    const address = await server.run();
    this.server = server;
    this.settings = {
      endpoint: `http://127.0.0.1:${address.port}`,
      region: 'us-east-1',
      bucket,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    };
    return this.settings;
  }

  async stop(): Promise<void> {
    if (this.server) await this.server.close();
    this.server = null;
    if (this.temporary) rmSync(this.temporary, { recursive: true, force: true });
    this.temporary = null;
  }
}
