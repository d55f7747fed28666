// Where a model or adapter directory lives: a local folder or an S3 key prefix, read file by file.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../../../../core/store/object-store';
import type { RandomAccessFile } from '../safetensors/stream-safetensors';

export interface ModelSource {
  readonly description: string;
  /** The file's bytes, or null when it does not exist. */
  readFile(name: string): Promise<Buffer | null>;
  /** Ranged access to a large file (weights), when the source offers it; null when the file does not exist. */
  openFile?(name: string): Promise<RandomAccessFile | null>;
}

export interface ModelSink {
  readonly description: string;
  writeFile(name: string, body: Buffer | string): Promise<void>;
}

export function createLocalSource(directory: string): ModelSource & ModelSink {
  return {
    description: directory,
    async readFile(name) {
      try {
        return await fs.readFile(path.join(directory, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async openFile(name) {
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(path.join(directory, name), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const { size } = await handle.stat();
      return {
        size,
        async read(target, position) {
          let done = 0;
          while (done < target.length) {
            const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
            if (bytesRead === 0) throw new Error(`${directory}/${name}: expected ${target.length} bytes at ${position}, the file ends first`);
            done += bytesRead;
          }
        },
        close: () => handle.close(),
      };
    },
    async writeFile(name, body) {
      const target = path.join(directory, name);
      await fs.mkdir(path.dirname(target), { recursive: true });
      // Write then rename, so a reader never sees half a file.
      const temporary = `${target}.partial-${process.pid}`;
      await fs.writeFile(temporary, body);
      await fs.rename(temporary, target);
    },
  };
}

/** Ranged GETs of one object, so weights are read tensor by tensor instead of a whole shard at once. */
async function openS3Object(store: ObjectStore, key: string): Promise<RandomAccessFile | null> {
  let size: number;
  try {
    size = (await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: key }))).ContentLength ?? 0;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if ((error as { name?: string }).name === 'NotFound' || status === 404) return null;
    throw error;
  }
  return {
    size,
    async read(target, position) {
      if (target.length === 0) return;
      const range = `bytes=${position}-${position + target.length - 1}`;
      const response = await store.client.send(new GetObjectCommand({ Bucket: store.bucket, Key: key, Range: range }));
      const bytes = await response.Body!.transformToByteArray();
      if (bytes.length !== target.length) throw new Error(`s3:${key}: expected ${target.length} bytes for ${range}, received ${bytes.length}`);
      target.set(bytes);
    },
    close: async () => undefined,
  };
}

export function createS3Source(store: ObjectStore, prefix: string): ModelSource & ModelSink {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return {
    description: `s3:${base}`,
    readFile: (name) => store.getBytes(base + name),
    openFile: (name) => openS3Object(store, base + name),
    writeFile: (name, body) => store.putText(base + name, body, name.endsWith('.json') ? 'application/json' : 'application/octet-stream'),
  };
}

export async function readRequiredFile(source: ModelSource, name: string): Promise<Buffer> {
  const bytes = await source.readFile(name);
  if (!bytes) throw new Error(`${source.description}: expected file ${name}, but it does not exist`);
  return bytes;
}

export async function readJsonFile(source: ModelSource, name: string): Promise<unknown> {
  const bytes = await readRequiredFile(source, name);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(`${source.description}/${name}: expected JSON, ${(error as Error).message}`);
  }
}
