// Child process of the killed-writer scenario: opens the embedded store in a directory and writes a large object until it is killed.
import { ObjectStore } from '../../core/store';
import { EmbeddedS3Server } from '../../local/s3/embedded-s3-server';

async function main(): Promise<void> {
  const [directory, key, megabytes] = process.argv.slice(2);
  const server = new EmbeddedS3Server({ directory });
  const objects = new ObjectStore(await server.start());
  // One PUT, so the kill lands in the server's write of the object itself.
  const body = Buffer.alloc(Number(megabytes) * 1024 * 1024, 'n');
  process.stdout.write('writing\n');
  await objects.putText(key, body);
  process.stdout.write('finished\n');
  await server.stop();
}

void main();
