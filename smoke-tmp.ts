import { EmbeddedS3Server } from './local/s3/embedded-s3-server';
import { ObjectStore } from './core/store/object-store';
import { loadLocalPipeline } from './local/engine/load-pipeline';
import { followExecution } from './local/engine/follow-execution';
async function main() {
  process.env.SWIRL_ALLOW_LOCAL_FILES = '1';
  const server = new EmbeddedS3Server();
  const s3 = await server.start();
  const store = new ObjectStore(s3);
  const t0 = Date.now();
  const pipeline = loadLocalPipeline({ root: process.cwd(), s3, retryDelayMs: 10, synthCacheDirectory: '/tmp/synth-cache',
    launchBatchJob: (job) => ({ executable: process.execPath, args: ['-e', 'console.log("train", process.argv.slice(1).join(" "), process.env.SWIRL_RUN_ID, process.env.SWIRL_S3_ENDPOINT)', ...job.command], environment: {} }) });
  console.log('synth', pipeline.synthesized.cached, (Date.now() - t0) / 1000);
  await store.putJson('configs/gsm8k-smoke.json', {
    runId: 'gsm8k-smoke',
    dataset: { source: '../shared/datasets/gsm8k/train.jsonl', format: 'gsm8k', limit: 6 },
    policy: { provider: 'scripted', responses: ['<math_exp>48/2</math_exp>', '<answer>72</answer>'] },
    samplesPerQuestion: 2,
    concurrency: { questionsPerShard: 3 },
    trainer: { objective: 'sft', baseline: 'none', maxSteps: 2, batchSize: 2 },
  });
  const running = pipeline.machine.start({ bucket: s3.bucket, key: 'configs/gsm8k-smoke.json' });
  running.events.onEvent((e) => { if (e.type === 'state-failed' || e.type === 'state-caught') console.log(JSON.stringify(e).slice(0, 1500)); });
  const { result, table } = await followExecution(pipeline.machine, running, { stream: process.stdout, interactive: false });
  console.log(table);
  console.log(JSON.stringify(result).slice(0, 3000));
  console.log((await store.list('runs/gsm8k-smoke/')).join('\n'));
  console.log(await store.getText('runs/gsm8k-smoke/status.json'));
  await server.stop();
}
main();
