// kill -9 at every stage: `swirl run` is killed (with its Batch child) as each stage starts, run again, and its outputs compared with a clean run's.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { countRecords, runScenario, ScenarioResult } from './fault-scenario';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'local', 'cli', 'bin.cjs');
const OBJECT_SUFFIX = '._S3rver_object';

/** Where each kill lands: the first output line that shows the stage under way (the training one is mid-step). */
export const KILL_POINTS: Array<{ stage: string; trigger: RegExp; delayMs: number }> = [
  { stage: 'prepare', trigger: /^\[prepare\] running/m, delayMs: 0 },
  { stage: 'rollout', trigger: /^\[rollout\] running/m, delayMs: 0 },
  { stage: 'decompose', trigger: /^\[decompose\] running/m, delayMs: 0 },
  { stage: 'judge', trigger: /^\[judge\] running/m, delayMs: 0 },
  { stage: 'assemble', trigger: /^\[assemble\] running/m, delayMs: 0 },
  { stage: 'train (mid-step)', trigger: /trainer: swirl on/m, delayMs: 1500 },
  { stage: 'evaluate', trigger: /^\[evaluate\] running/m, delayMs: 0 },
  { stage: 'report', trigger: /^\[report\] running/m, delayMs: 0 },
];

export function killChainConfig(runId: string): Record<string, unknown> {
  return {
    runId,
    dataset: { source: 'builtin:arith:train', format: 'arith', limit: 4 },
    tools: { search: { enabled: false } },
    policy: { provider: 'scripted', responses: ['<math_exp>2 + 2</math_exp>', '<answer>4</answer>'] },
    samplesPerQuestion: 2,
    trainer: { objective: 'swirl', baseline: 'sft', maxSteps: 4, batchSize: 2, checkpointEvery: 1, seed: 7 },
    eval: [{ name: 'arith-test', source: 'builtin:arith:test', format: 'arith', limit: 3 }],
    concurrency: { questionsPerShard: 2 },
  };
}

interface Attempt {
  code: number | null;
  killed: boolean;
  output: string;
}

/** One `swirl run` in its own process group; killed with SIGKILL (the whole group) `delayMs` after `trigger` shows. */
function runOnce(configFile: string, dataDir: string, kill?: { trigger: RegExp; delayMs: number }): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', configFile, '--plain', '--data-dir', dataDir, '--retry-delay-ms', '50'], {
      cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWIRL_S3_ENDPOINT: '' },
    });
    let output = '';
    let killed = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (kill && !killed && kill.trigger.test(output)) {
        killed = true;
        setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }, kill.delayMs);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, killed, output }));
  });
}

function listObjects(directory: string, prefix = directory): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return listObjects(path, prefix);
    return entry.name.endsWith(OBJECT_SUFFIX) ? [relative(prefix, path).slice(0, -OBJECT_SUFFIX.length)] : [];
  });
}

const VOLATILE = /^(latencyMs|startedAt|finishedAt|updatedAt|createdAt|seconds|durationMs|elapsedMs|wallSeconds|tokensPerSecond)$/;

function stripVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !VOLATILE.test(key)).map(([key, item]) => [key, stripVolatile(item)]));
  }
  return value;
}

function identityOf(record: Record<string, unknown>, index: number): string {
  const id = record.id ?? record.stepId ?? (record.trajectoryId !== undefined ? `${String(record.type ?? '')}:${String(record.trajectoryId)}` : undefined)
    ?? (typeof record.step === 'number' ? `step ${record.step}` : undefined);
  return id === undefined ? `#${index}` : String(id);
}

export interface RunComparison {
  files: number;
  records: number;
  lost: number;
  duplicated: number;
  differing: string[];
}

/** Compares every record output (JSON Lines) and trained adapter of a run in two stores, records by id. */
export function compareRuns(cleanRoot: string, otherRoot: string, runId: string): RunComparison {
  const prefix = join('swirl-local', 'runs', runId);
  const keys = listObjects(join(cleanRoot, prefix)).filter((key) => /\.(jsonl|safetensors)$/.test(key) && !/^(rollout-progress|timings)\//.test(key) && !key.includes('checkpoints/'));
  const comparison: RunComparison = { files: keys.length, records: 0, lost: 0, duplicated: 0, differing: [] };
  for (const key of keys) {
    const read = (root: string) => {
      const path = join(root, prefix, `${key}${OBJECT_SUFFIX}`);
      return existsSync(path) ? readFileSync(path) : null;
    };
    const clean = read(cleanRoot)!;
    const other = read(otherRoot);
    if (other === null) {
      comparison.differing.push(`${key} (missing)`);
      continue;
    }
    if (key.endsWith('.safetensors')) {
      if (!clean.equals(other)) comparison.differing.push(key);
      continue;
    }
    const parse = (text: Buffer) => text.toString('utf8').split('\n').filter((line) => line.trim() !== '').map((line, index) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      return { id: identityOf(record, index), text: JSON.stringify(stripVolatile(record)) };
    });
    const cleanRecords = parse(clean);
    const otherRecords = parse(other);
    const counted = countRecords(cleanRecords.map((record) => record.id), otherRecords.map((record) => record.id));
    comparison.records += cleanRecords.length;
    comparison.lost += counted.lost;
    comparison.duplicated += counted.duplicated;
    const cleanTexts = new Map(cleanRecords.map((record) => [record.id, record.text]));
    if (otherRecords.some((record) => cleanTexts.get(record.id) !== record.text)) comparison.differing.push(key);
  }
  return comparison;
}

/** What the store held at the kill: the status record, and the training checkpoints and adapters written so far. */
function stageOnDisk(dataDir: string, runId: string): string {
  const runRoot = join(dataDir, 'swirl-local', 'runs', runId);
  const path = join(runRoot, `status.json${OBJECT_SUFFIX}`);
  if (!existsSync(path)) return 'no status yet';
  const status = JSON.parse(readFileSync(path, 'utf8')) as { state: string; stage: string | null };
  const models = listObjects(join(runRoot, 'model'));
  const checkpoints = new Set(models.filter((key) => key.includes('checkpoints/step-')).map((key) => key.split('/').slice(0, 3).join('/'))).size;
  const adapters = models.filter((key) => /^[^/]+\/adapter_model\.safetensors$/.test(key)).length;
  return `status ${status.state} at ${status.stage}, ${checkpoints} training checkpoint(s), ${adapters} finished adapter(s)`;
}

export async function runKillScenarios(directory: string): Promise<ScenarioResult[]> {
  const runId = 'fault-kill';
  const configFile = join(directory, `${runId}.json`);
  writeFileSync(configFile, JSON.stringify(killChainConfig(runId)));
  const cleanDir = join(directory, 'clean-s3');
  const killedDir = join(directory, 'killed-s3');
  console.log('kill -9: the clean run');
  const clean = await runOnce(configFile, cleanDir);
  if (clean.code !== 0) throw new Error(`the clean run failed (exit ${clean.code}):\n${clean.output.slice(-3000)}`);
  const attempts: Array<{ stage: string; attempt: Attempt; statusAtKill: string }> = [];
  for (const point of KILL_POINTS) {
    console.log(`kill -9: run until ${point.stage}, then SIGKILL`);
    const attempt = await runOnce(configFile, killedDir, point);
    attempts.push({ stage: point.stage, attempt, statusAtKill: stageOnDisk(killedDir, runId) });
  }
  console.log('kill -9: the same run again, to the end');
  const final = await runOnce(configFile, killedDir);
  const comparison = compareRuns(cleanDir, killedDir, runId);
  const identical = final.code === 0 && comparison.lost === 0 && comparison.duplicated === 0 && comparison.differing.length === 0;
  const summary = `final run exit ${final.code}; ${comparison.files} output files, ${comparison.records} records vs the clean run: ${comparison.lost} lost, ${comparison.duplicated} duplicated, differing: ${comparison.differing.join(', ') || 'none'}`;
  const results: ScenarioResult[] = [];
  for (const [index, { stage, attempt, statusAtKill }] of attempts.entries()) {
    // The next attempt (or the final run) must get past the stage killed here.
    const next = index + 1 < attempts.length ? attempts[index + 1].attempt : final;
    // Reaching the next kill point (a later stage under way) or finishing means this stage was completed on the rerun.
    const passedStage = next === final ? final.code === 0 : next.killed;
    results.push(await runScenario(`kill -9 during ${stage}, then swirl run again`, 'the rerun completes the stage; the finished run\'s records and adapters equal the clean run\'s, each record once', async () => ({
      observed: `${attempt.killed ? `killed (${statusAtKill})` : `not killed (exit ${attempt.code})`}; the next run ${passedStage ? 'got past the stage' : 'did not get past the stage'}; ${summary}`,
      passed: attempt.killed && passedStage && identical,
      recordsLost: index === 0 ? comparison.lost : 0,
      recordsDuplicated: index === 0 ? comparison.duplicated : 0,
    })));
  }
  if (!identical) console.log(final.output.slice(-4000));
  return results;
}
