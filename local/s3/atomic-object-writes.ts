// Makes the embedded S3 server's object writes atomic, as S3's are: a writer killed mid-write leaves the old object or none, never a truncated one read as complete.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The part of s3rver's filesystem store that writes objects (it ships no types). */
export interface FilesystemObjectStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putObject(object: { bucket: string; key: string; content: Buffer | Readable; metadata: Record<string, string> }): Promise<{ size: number; md5: string }>;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
}

async function removeIfPresent(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/**
 * s3rver writes an object's file in place and reads an object's length from that file, so a kill mid-write left a
 * short file that later reads served whole. Here the body goes to a temporary file, is flushed, and is renamed over
 * the object in one step; its checksum file is removed first (s3rver recomputes a missing one from the file) and
 * written after, so no moment pairs a new body with an old checksum.
 */
export function makeObjectWritesAtomic(store: FilesystemObjectStore): void {
  store.putObject = async function putObjectAtomically(object) {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    const md5Path = store.getResourcePath(object.bucket, object.key, 'object.md5');
    // The temporary name does not end in "._S3rver_object", so listings never show it.
    const temporary = `${objectPath}.writing-${process.pid}-${randomBytes(6).toString('hex')}`;
    await mkdir(dirname(objectPath), { recursive: true });
    const hash = createHash('md5');
    let size = 0;
    const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    try {
      await pipeline(source, new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      }), createWriteStream(temporary));
      const md5 = hash.digest('hex');
      await removeIfPresent(md5Path);
      await rename(temporary, objectPath);
      await store.putMetadata(object.bucket, object.key, object.metadata, undefined);
      await writeFile(md5Path, md5);
      return { size, md5 };
    } catch (error) {
      await removeIfPresent(temporary);
      throw error;
    }
  };
}
