// Benchmark: stream a ~200 MB JSON Lines object from the embedded S3 server through ObjectStore.readJsonLines and report peak RSS.
import { spawn } from 'node:child_process';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ObjectStore, S3Settings } from '../core/store';
import { EmbeddedS3Server } from '../local/s3/embedded-s3-server';

const KEY = 'bench/store/records.jsonl';
const RecordSchema = z.strictObject({ id: z.number().int(), question: z.string(), answer: z.string(), context: z.array(z.string()) });

function trackPeakRss(): { peak: () => number; stop: () => void } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  return { peak: () => Math.max(peak, process.memoryUsage().rss), stop: () => clearInterval(timer) };
}

/** Records of ~1 KB made on the fly, so the writer never holds the object in memory either. */
function* generateRecords(targetBytes: number): Generator<z.infer<typeof RecordSchema>> {
  let bytes = 0;
  for (let id = 0; bytes < targetBytes; id += 1) {
    const record = {
      id,
      question: `Question ${id}: how many steps does record ${id * 7} take to reach ${id % 97}?`,
      answer: String((id * 31) % 1009),
      context: Array.from({ length: 8 }, (_, index) => `Paragraph ${index} of record ${id} `.repeat(4)),
    };
    bytes += JSON.stringify(record).length + 1;
    yield record;
  }
}

/** The reader runs in its own process so its RSS is the reader's alone, as in a Lambda reading from S3. */
async function readPhase(settings: S3Settings): Promise<void> {
  const rss = trackPeakRss();
  const started = process.hrtime.bigint();
  const objects = new ObjectStore(settings);
  let records = 0;
  let errors = 0;
  for await (const entry of objects.readJsonLines(KEY, RecordSchema)) {
    if (entry.error !== undefined) errors += 1;
    else records += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rss.stop();
  process.stdout.write(`${JSON.stringify({ records, errors, seconds, peakRssMb: rss.peak() / 2 ** 20 })}\n`);
}

function runReader(settings: S3Settings): Promise<{ records: number; errors: number; seconds: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--read', JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').pop()!)) : reject(new Error(`reader exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const targetMb = Number(process.argv[2] ?? 200);
  const server = new EmbeddedS3Server();
  const settings = await server.start();
  try {
    const objects = new ObjectStore(settings);
    const writerRss = trackPeakRss();
    const writeStarted = Date.now();
    const written = await objects.putJsonLines(KEY, generateRecords(targetMb * 2 ** 20));
    writerRss.stop();
    const size = (await objects.client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: KEY }))).ContentLength ?? 0;
    console.log(`wrote ${written} records, ${(size / 2 ** 20).toFixed(1)} MB in ${((Date.now() - writeStarted) / 1000).toFixed(1)} s (writer + in-process server peak RSS ${(writerRss.peak() / 2 ** 20).toFixed(0)} MB)`);
    const read = await runReader(settings);
    if (read.records !== written || read.errors !== 0) throw new Error(`read ${read.records} records with ${read.errors} errors, expected ${written}`);
    console.log(`read ${read.records} records in ${read.seconds.toFixed(1)} s; reader peak RSS ${read.peakRssMb.toFixed(0)} MB for a ${(size / 2 ** 20).toFixed(0)} MB object (goal < 300 MB)`);
    console.log(JSON.stringify({
      bench: 'store',
      objectMb: Number((size / 2 ** 20).toFixed(1)),
      records: read.records,
      seconds: Number(read.seconds.toFixed(2)),
      peakRssMb: Number(read.peakRssMb.toFixed(1)),
      writerPeakRssMb: Number((writerRss.peak() / 2 ** 20).toFixed(1)),
    }));
  } finally {
    await server.stop();
  }
}

if (process.argv[2] === '--read') {
  readPhase(JSON.parse(process.argv[3]) as S3Settings).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
