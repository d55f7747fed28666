// Child process of the killed-writer scenario: opens the embedded store in a directory and streams a large object into it slowly, until it is killed.
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EmbeddedS3Server } from '../../local/s3/embedded-s3-server';

const CHUNK = 1024 * 1024;

async function main(): Promise<void> {
  const [directory, key, megabytes] = process.argv.slice(2);
  const server = new EmbeddedS3Server({ directory });
  const settings = await server.start();
  // A plain signed PUT of a known length, so the server writes the body as it arrives.
  const client = new S3Client({ ...settings, requestChecksumCalculation: 'WHEN_REQUIRED' });
  const chunks = Number(megabytes);
  const body = Readable.from((async function* slowly() {
    for (let index = 0; index < chunks; index += 1) {
      yield Buffer.alloc(CHUNK, 'n');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })());
  await client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: body, ContentLength: chunks * CHUNK }));
  await server.stop();
}

void main();
