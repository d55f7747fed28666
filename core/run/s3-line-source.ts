// A LineSource over an S3 object: each pass is a fresh streaming GET, so memory stays bounded.
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { LineSource, readStreamLines } from '../datasets/line-source';
import type { ObjectStore } from '../store';
import { DatasetSourceError } from './dataset-source';

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
}

export function s3LineSource(objects: ObjectStore, key: string): LineSource {
  return async function* readObjectLines() {
    let body: Readable;
    try {
      const response = await objects.client.send(new GetObjectCommand({ Bucket: objects.bucket, Key: key }));
      body = response.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new DatasetSourceError(`s3://${objects.bucket}/${key}: expected an object, received none (no such key)`);
      throw error;
    }
    yield* readStreamLines(body);
  };
}
