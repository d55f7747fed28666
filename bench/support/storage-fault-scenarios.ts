// Storage faults: S3 writes that fail or hang mid-stage (through the fault proxy), and an object whose writer was killed mid-write.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { rollOutShard } from '../../core/rollout';
import { DatasetRowSchema, RunConfigSchema, TrajectorySchema } from '../../core/schemas';
import { ObjectStore, RunStore } from '../../core/store';
import { EmbeddedS3Server } from '../../local/s3/embedded-s3-server';
import { countRecords, runScenario, ScenarioResult } from './fault-scenario';
import { FaultPlan, FaultProxy } from './fault-proxy';

export interface StorageFaultContext {
  /** A store whose requests go through `proxy` to the embedded S3 server. */
  proxiedObjects: ObjectStore;
  proxy: FaultProxy;
  /** A scratch directory for the killed-writer scenario. */
  directory: string;
}

const QUESTIONS = 4;

async function writeScriptedRun(objects: ObjectStore, runId: string): Promise<RunStore> {
  const store = new RunStore(objects, runId);
  await store.putJson('config.json', RunConfigSchema.parse({
    runId, dataset: { source: 'datasets/faults', format: 'arith' }, tools: { search: { enabled: false } }, samplesPerQuestion: 2,
    policy: { provider: 'scripted', responses: ['<math_exp>2 + 2</math_exp>', '<answer>4</answer>'] },
  }));
  await store.putJsonLines('shards/shard-00000.jsonl', Array.from({ length: QUESTIONS }, (_, index) => DatasetRowSchema.parse({
    id: `sq${index}`, question: `What is 2 + 2 (${index})?`, answer: '4', task: 'math', source: 'arith',
  })));
  return store;
}

/** Faults the first `count` PUTs of the shard's output. */
function outputWrites(count: number, fault: 'status' | 'hang'): FaultPlan {
  let faulted = 0;
  return ({ method, url }) => {
    if (method !== 'PUT' || !url.includes('/trajectories/') || faulted >= count) return { kind: 'pass' };
    faulted += 1;
    return fault === 'hang' ? { kind: 'hang' } : { kind: 'status', status: 500, headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected</Message></Error>' };
  };
}

const EXPECTED_IDS = Array.from({ length: QUESTIONS }, (_, question) => [`sq${question}#0`, `sq${question}#1`]).flat();

/** The size of the largest file the server is writing for `key` (its object file, or a temporary one beside it). */
function bytesBeingWritten(directory: string, key: string): number {
  const folder = join(directory, 'swirl-local', dirname(key));
  const name = basename(key);
  if (!existsSync(folder)) return 0;
  return Math.max(0, ...readdirSync(folder).filter((file) => file.startsWith(`${name}._S3rver_object`) && !file.endsWith('.md5')).map((file) => statSync(join(folder, file)).size));
}

/**
 * Runs a child process that writes a large object into an embedded store at `directory`, and kills it with SIGKILL
 * once the server has written part of the body to disk. Returns the bytes on disk at the kill.
 */
async function killWriterMidWrite(directory: string, key: string, megabytes: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'killed-writer.ts'), directory, key, String(megabytes)], { stdio: ['ignore', 'ignore', 'inherit'] });
  let killedAt = 0;
  const poll = setInterval(() => {
    const written = bytesBeingWritten(directory, key);
    if (written > 1024 * 1024 && written < megabytes * 1024 * 1024 && killedAt === 0) {
      killedAt = written;
      child.kill('SIGKILL');
    }
  }, 2);
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  clearInterval(poll);
  return killedAt;
}

export async function runStorageFaultScenarios(context: StorageFaultContext, options: { quick?: boolean } = {}): Promise<ScenarioResult[]> {
  const { proxy, proxiedObjects } = context;
  const results: ScenarioResult[] = [];
  const writeFault = (name: string, expected: string, runId: string, plan: FaultPlan) => runScenario(name, expected, async () => {
    const store = await writeScriptedRun(proxiedObjects, runId);
    proxy.setPlan(plan);
    await rollOutShard({ objects: proxiedObjects, runId, shard: 'shard-00000' });
    const puts = proxy.requests.filter((request) => request.method === 'PUT' && request.url.includes('/trajectories/'));
    proxy.setPlan(() => ({ kind: 'pass' }));
    const trajectories = await store.readAllJsonLines('trajectories/shard-00000.jsonl', TrajectorySchema);
    const records = countRecords(EXPECTED_IDS, trajectories.map((trajectory) => trajectory.id));
    return {
      observed: `${puts.length} PUTs of the output (${puts.filter((request) => request.fault !== 'pass').length} faulted), ${trajectories.length} trajectories read back`,
      passed: records.lost === 0 && records.duplicated === 0 && puts.length >= 2, recordsLost: records.lost, recordsDuplicated: records.duplicated,
    };
  });
  results.push(await writeFault('storage: S3 write fails mid-stage', 'the SDK retries the PUT; the shard\'s output is written once, whole', 'fault-s3-500', outputWrites(2, 'status')));
  if (!options.quick) {
    results.push(await writeFault('storage: S3 write hangs mid-stage', 'the PUT times out (SWIRL_S3_REQUEST_TIMEOUT_MS) and is retried; the output is written once, whole', 'fault-s3-hang', outputWrites(1, 'hang')));
  }
  results.push(await runScenario('storage: writer killed mid-write', 'the half-written object is never served: readers see the previous complete version', async () => {
    const key = 'runs/fault-truncated/trajectories/shard-00000.jsonl';
    const directory = join(context.directory, 'killed-writer');
    const server = new EmbeddedS3Server({ directory });
    const objects = new ObjectStore(await server.start());
    const previous = 'previous complete version\n'.repeat(1000);
    await objects.putText(key, previous);
    await server.stop();
    const killedAt = await killWriterMidWrite(directory, key, 64);
    const reopened = new EmbeddedS3Server({ directory });
    const after = new ObjectStore(await reopened.start());
    try {
      const text = await after.getText(key);
      const digest = (value: string | null) => (value === null ? 'none' : createHash('sha256').update(value).digest('hex').slice(0, 12));
      const intact = text === previous;
      return { observed: `SIGKILL with ${killedAt} of ${64 * 1024 * 1024} bytes on disk; the key then holds ${text === null ? 'nothing' : `${text.length} characters (sha256 ${digest(text)})`}; the previous version is ${intact ? 'intact' : 'gone'}`, passed: intact && killedAt > 0 };
    } finally {
      await reopened.stop();
    }
  }));
  return results;
}
