// Benchmark: rollout pipeline throughput vs a bare loop against the same latency-injected endpoint, plus calculator and search quality.
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { parseGoldCalculations } from '../core/datasets/gsm8k-format';
import { parseHotpotqaRecord } from '../core/datasets/hotpotqa-format';
import { buildPrompt } from '../core/agent/build-prompt';
import { createKeepAliveFetch } from '../core/providers/keep-alive-fetch';
import { DEFAULT_SYSTEM_PROMPT, DEFAULT_USER_PROMPT } from '../core/prompts/default-prompts';
import { CorpusDocument, DatasetRowSchema, Message, RunConfigSchema } from '../core/schemas';
import { ObjectStore, RunStore } from '../core/store';
import { createCalculatorTool } from '../core/tools/calculator';
import { ToolRegistry } from '../core/tools/tool-registry';
import { loadSearchIndex } from '../core/tools/search-index-cache';
import { handler } from '../functions/rollout/handler';
import { EmbeddedS3Server } from '../local/s3/embedded-s3-server';

const LATENCY_MS = 20;
const CONCURRENCY_LEVELS = [1, 8, 32];
const ROUNDS = 3;
const SAMPLES = 2;
const CALLS_PER_TRAJECTORY = 2;
const SHARED = resolve(__dirname, '..', '..', 'shared', 'datasets');

async function startEndpoint(): Promise<{ baseUrl: string; stop: () => void }> {
  const child = fork(join(__dirname, 'support', 'chat-completions-server.ts'), [], {
    execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_LATENCY_MS: String(LATENCY_MS) }, stdio: 'inherit',
  });
  const port = await new Promise<number>((done) => child.once('message', (message: { port: number }) => done(message.port)));
  return { baseUrl: `http://127.0.0.1:${port}/v1`, stop: () => child.disconnect() };
}

async function writeRun(objects: ObjectStore, runId: string, baseUrl: string, concurrency: number, questions: number): Promise<void> {
  const store = new RunStore(objects, runId);
  await store.putJson('config.json', RunConfigSchema.parse({
    runId,
    dataset: { source: 'datasets/bench', format: 'arith' },
    policy: { provider: 'openai-compatible', model: 'bench', baseUrl, maxConcurrency: concurrency, pricing: { inputPer1k: 0.0001, outputPer1k: 0.0002 } },
    tools: { search: { enabled: false } },
    samplesPerQuestion: SAMPLES,
    concurrency: { rollout: concurrency },
  }));
  await store.putJsonLines('shards/shard-00000.jsonl', Array.from({ length: questions }, (_, index) => DatasetRowSchema.parse({
    id: `b${index}`, question: `A crate holds 17 rows of 3 cans plus 4 loose cans (${index}). How many cans?`, answer: '55', task: 'math', source: 'arith',
  })));
}

interface Measurement {
  perSec: number;
  cpuMicrosPerCall: number;
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/**
 * The same calls without the pipeline: c workers, each making a trajectory's two calls back to back with the same
 * prompt. `stock` uses the client library's own transport (fetch), as a hand-written loop would; `keep-alive` the
 * transport the pipeline's provider uses, so the ratio against it is the pipeline's own overhead alone.
 */
async function runBareLoop(baseUrl: string, concurrency: number, trajectories: number, transport: 'stock' | 'keep-alive'): Promise<Measurement> {
  const client = new OpenAI({ apiKey: 'not-needed', baseURL: baseUrl, maxRetries: 0, ...(transport === 'keep-alive' ? { fetch: createKeepAliveFetch() } : {}) });
  const tools = new ToolRegistry([createCalculatorTool()]);
  const prompts = { system: DEFAULT_SYSTEM_PROMPT, user: DEFAULT_USER_PROMPT };
  const conversation: Message[] = buildPrompt(prompts, tools, { question: 'A crate holds 17 rows of 3 cans plus 4 loose cans (0). How many cans?' }, 10);
  let next = 0;
  const started = performance.now();
  const cpu = cpuMicros();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < trajectories) {
      next += 1;
      const messages: Message[] = [...conversation];
      for (let call = 0; call < CALLS_PER_TRAJECTORY; call += 1) {
        const response = await client.chat.completions.create({ model: 'bench', messages, max_tokens: 512, temperature: 1, top_p: 1 });
        messages.push({ role: 'assistant', content: response.choices[0].message.content ?? '' }, { role: 'user', content: '17 * 3 + 4 -> 55' });
      }
    }
  }));
  const calls = trajectories * CALLS_PER_TRAJECTORY;
  return { perSec: calls / ((performance.now() - started) / 1000), cpuMicrosPerCall: (cpuMicros() - cpu) / calls };
}

async function runPipeline(objects: ObjectStore, baseUrl: string, concurrency: number, questions: number, label: string): Promise<Measurement> {
  const runId = `bench-rollout-${label}-c${concurrency}`;
  await writeRun(objects, runId, baseUrl, concurrency, questions);
  const started = performance.now();
  const cpu = cpuMicros();
  const result = await handler({ runId, shard: 'shard-00000' });
  const seconds = (performance.now() - started) / 1000;
  if (result.count !== questions * SAMPLES || result.finishReasons.answered !== result.count) {
    throw new Error(`pipeline run ${runId}: expected ${questions * SAMPLES} answered trajectories, received ${JSON.stringify(result)}`);
  }
  const calls = result.count * CALLS_PER_TRAJECTORY;
  return { perSec: calls / seconds, cpuMicrosPerCall: (cpuMicros() - cpu) / calls };
}

function measureCalculator(): number | null {
  const path = join(SHARED, 'gsm8k', 'train.jsonl');
  if (!existsSync(path)) return null;
  let total = 0;
  let passed = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    for (const calculation of parseGoldCalculations((JSON.parse(line) as { answer: string }).answer)) {
      total += 1;
      // The loader flags every annotation the calculator does not reproduce at the annotation's precision.
      if (calculation.unverifiable === undefined) passed += 1;
    }
  }
  console.log(`calculator: ${passed}/${total} GSM8K annotations`);
  return passed / total;
}

async function measureSearch(objects: ObjectStore): Promise<{ titleAt1: number; questionAt5: number } | null> {
  const path = join(SHARED, 'hotpotqa', 'dev.jsonl');
  if (!existsSync(path)) return null;
  const rows: Array<{ question: string; titles: string[] }> = [];
  const corpus = new Map<string, CorpusDocument>();
  readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').forEach((line, position) => {
    for (const record of parseHotpotqaRecord(JSON.parse(line), { line: position + 1, position: String(position + 1) })) {
      const row = DatasetRowSchema.parse(record.row);
      rows.push({ question: row.question, titles: [...new Set(row.supportingFacts.map((fact) => fact.title))] });
      for (const document of record.documents) if (!corpus.has(document.title)) corpus.set(document.title, document);
    }
  });
  const key = 'runs/bench-search/corpus/corpus.jsonl';
  await objects.putJsonLines(key, corpus.values());
  const started = performance.now();
  const index = await loadSearchIndex(objects, key);
  console.log(`search: index of ${index.size} paragraphs built and stored in ${Math.round(performance.now() - started)} ms`);
  const titles = rows.flatMap((row) => row.titles);
  const titleHits = titles.filter((title) => index.search(title, 1)[0]?.document.title === title).length;
  const questionHits = rows.filter((row) => index.search(row.question, 5).some((hit) => row.titles.includes(hit.document.title))).length;
  console.log(`search: title@1 ${titleHits}/${titles.length}, question@5 ${questionHits}/${rows.length}`);
  return { titleAt1: titleHits / titles.length, questionAt5: questionHits / rows.length };
}

async function main(): Promise<void> {
  const s3 = new EmbeddedS3Server();
  const settings = await s3.start();
  Object.assign(process.env, {
    SWIRL_S3_ENDPOINT: settings.endpoint, SWIRL_BUCKET: settings.bucket, AWS_REGION: settings.region,
    AWS_ACCESS_KEY_ID: settings.credentials!.accessKeyId, AWS_SECRET_ACCESS_KEY: settings.credentials!.secretAccessKey,
  });
  const objects = new ObjectStore(settings);
  const endpoint = await startEndpoint();
  const results: Array<{ concurrency: number; pipelinePerSec: number; directPerSec: number; ratio: number; directSameTransportPerSec: number; ratioSameTransport: number }> = [];
  try {
    await runPipeline(objects, endpoint.baseUrl, 4, 8, 'warmup');
    await runBareLoop(endpoint.baseUrl, 4, 16, 'stock');
    await runBareLoop(endpoint.baseUrl, 4, 16, 'keep-alive');
    for (const concurrency of CONCURRENCY_LEVELS) {
      // About 2.5 seconds of endpoint time per run at the ideal rate. Rounds alternate the two sides, and the best
      // round of each counts: other load on the machine only ever slows a run down.
      const trajectories = Math.max(40, concurrency * 50);
      const questions = trajectories / SAMPLES;
      const direct: Measurement[] = [];
      const sameTransport: Measurement[] = [];
      const pipeline: Measurement[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        direct.push(await runBareLoop(endpoint.baseUrl, concurrency, trajectories, 'stock'));
        pipeline.push(await runPipeline(objects, endpoint.baseUrl, concurrency, questions, `r${round}`));
        sameTransport.push(await runBareLoop(endpoint.baseUrl, concurrency, trajectories, 'keep-alive'));
      }
      const directPerSec = Math.max(...direct.map((run) => run.perSec));
      const sameTransportPerSec = Math.max(...sameTransport.map((run) => run.perSec));
      const pipelinePerSec = Math.max(...pipeline.map((run) => run.perSec));
      const show = (runs: Measurement[]) => runs.map((run) => run.perSec.toFixed(0)).join('/');
      const cpu = (runs: Measurement[]) => median(runs.map((run) => run.cpuMicrosPerCall)).toFixed(0);
      console.log(`concurrency ${concurrency}: pipeline ${show(pipeline)} calls/s (${cpu(pipeline)} us CPU/call), bare loop ${show(direct)} calls/s (${cpu(direct)} us CPU/call), bare loop on the keep-alive transport ${show(sameTransport)} calls/s (${cpu(sameTransport)} us CPU/call), ideal ${(concurrency * 1000) / LATENCY_MS}`);
      results.push({
        concurrency, pipelinePerSec: round(pipelinePerSec), directPerSec: round(directPerSec), ratio: round(pipelinePerSec / directPerSec, 3),
        directSameTransportPerSec: round(sameTransportPerSec), ratioSameTransport: round(pipelinePerSec / sameTransportPerSec, 3),
      });
    }
    const calculatorPassRate = measureCalculator();
    const search = await measureSearch(objects);
    if (calculatorPassRate === null || search === null) console.log(`NOTICE: ${SHARED} is absent; quality numbers are null`);
    console.log(JSON.stringify({
      bench: 'rollout', results,
      calculatorPassRate: calculatorPassRate === null ? null : round(calculatorPassRate, 5),
      searchTitleAt1: search ? round(search.titleAt1, 4) : null,
      searchQuestionAt5: search ? round(search.questionAt5, 4) : null,
    }));
  } finally {
    endpoint.stop();
    await s3.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
