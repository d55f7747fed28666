// `swirl up`: the embedded S3 server with persistent data plus the config watcher; uploads to configs/ start local runs until Ctrl-C.
import type { Command } from 'commander';
import { ConfigWatcher } from '../../engine/config-watcher';
import { followExecution } from '../../engine/follow-execution';
import { loadLocalPipeline } from '../../engine/load-pipeline';
import { EmbeddedS3Server } from '../../s3/embedded-s3-server';
import { PROJECT_ROOT } from './run';

interface UpOptions {
  dataDir?: string;
  bucket?: string;
  port?: string;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => resolve(signal);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('Start the embedded S3 server (persistent data) and the config watcher: every upload to configs/*.json starts a local run, as on AWS. Runs until Ctrl-C.')
    .option('--data-dir <dir>', 'data directory (default ~/.cache/swirl/s3)')
    .option('--bucket <name>', 'bucket name (default swirl-local)')
    .option('--port <port>', 'port (default: a free one)')
    .action(async (options: UpOptions) => {
      const directory = options.dataDir ?? EmbeddedS3Server.defaultDirectory();
      const server = new EmbeddedS3Server({ directory, bucket: options.bucket ?? process.env.SWIRL_BUCKET ?? 'swirl-local', port: options.port ? Number(options.port) : undefined });
      const settings = await server.start();
      const pipeline = loadLocalPipeline({ root: PROJECT_ROOT, s3: settings });
      const watcher = new ConfigWatcher({
        source: server.events,
        rules: pipeline.rules,
        region: settings.region,
        onError: (error) => process.stderr.write(`execution failed to start: ${error.message}\n`),
        startExecution: async (input, trigger) => {
          process.stdout.write(`${trigger.key} uploaded: starting an execution\n`);
          const running = pipeline.machine.start(input);
          const { result, table } = await followExecution(pipeline.machine, running, { stream: process.stdout, interactive: false });
          process.stdout.write(`execution ${result.executionName} (${trigger.key}): ${result.status}${result.error ? ` (${result.error})` : ''}\n${table}\n`);
        },
      }).start();
      process.stdout.write([
        `S3 endpoint ${settings.endpoint}, bucket ${settings.bucket}, data in ${directory}`,
        `use it with: export SWIRL_S3_ENDPOINT=${settings.endpoint} SWIRL_BUCKET=${settings.bucket} AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER`,
        `upload a config to s3://${settings.bucket}/configs/<run>.json to start a run; Ctrl-C stops`,
        '',
      ].join('\n'));
      const signal = await waitForSignal();
      watcher.stop();
      if (watcher.activeExecutions > 0) {
        // A run's stages write whole objects and skip finished shards, so stopping mid-run loses nothing already
        // written; waiting first lets a nearly finished run complete instead of leaving it to a rerun.
        process.stdout.write(`${signal}: no new runs; waiting for ${watcher.activeExecutions} running execution(s). Ctrl-C again to stop now — upload the same config again later to resume (finished shards are skipped)\n`);
        const again = await Promise.race([watcher.settle().then(() => null), waitForSignal()]);
        if (again !== null) process.stdout.write(`${again}: stopping with ${watcher.activeExecutions} execution(s) unfinished\n`);
      }
      await server.stop();
      if (watcher.activeExecutions > 0) process.exit(130);
    });
}
