// `swirl run <config>`: upload a config to configs/, execute the synthesized state machine locally with progress bars, print a summary.
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { ConfigValidationError, MAX_CONFIG_BYTES, parseDatasetSource, parseRunConfigText, runIdFromKey } from '../../../core/run';
import type { RunConfig } from '../../../core/schemas';
import { RunStore } from '../../../core/store';
import { followExecution } from '../../engine/follow-execution';
import { loadLocalPipeline } from '../../engine/load-pipeline';
import { CliError, EXIT_INVALID } from '../cli-error';
import { assertReadableFile, readTextFile } from '../cli-files';
import { openCommandStore } from '../cli-object-store';
import { formatRunStatus } from './status';

export const PROJECT_ROOT = join(__dirname, '..', '..', '..');

interface RunOptions {
  endpoint?: string;
  bucket?: string;
  dataDir?: string;
  retryDelayMs?: string;
  plain?: boolean;
  logLevel: string;
}

/** Local dataset files are checked before the run starts: a missing one is a bad input (exit 2), not a failed run. */
function assertLocalDatasetsReadable(config: RunConfig): void {
  for (const reference of [config.dataset, ...config.eval]) {
    const source = parseDatasetSource(reference.source, { allowLocalFiles: true, split: reference.split });
    if (source.kind === 'local-file') assertReadableFile(source.path);
  }
}

/** Reads and validates the config file; the run id comes from the config, else from the file name. */
export function readRunConfigFile(file: string): { runId: string; text: string } {
  const text = readTextFile(file, MAX_CONFIG_BYTES);
  let config: RunConfig;
  try {
    config = parseRunConfigText(text, file);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new CliError(error.message, EXIT_INVALID);
    throw error;
  }
  assertLocalDatasetsReadable(config);
  return { runId: config.runId, text };
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run a config end to end on this machine: upload it to configs/, execute the synthesized state machine with progress bars per stage, print a summary (exit 0 only when the run succeeds).')
    .argument('<config>', 'run config JSON file')
    .option('--endpoint <url>', 'S3 endpoint to use instead of the embedded server (env SWIRL_S3_ENDPOINT); not one served by `swirl up`, whose watcher would start the run a second time')
    .option('--bucket <name>', 'bucket (env SWIRL_BUCKET, default swirl-local)')
    .option('--data-dir <dir>', 'data directory of the embedded S3 server (default ~/.cache/swirl/s3)')
    .option('--retry-delay-ms <ms>', 'wait this long before each retry instead of the definition\'s backoff')
    .option('--plain', 'plain log lines instead of progress bars')
    .option('--log-level <level>', 'log level of the in-process functions (DEBUG, INFO, WARN, ERROR, SILENT)', 'WARN')
    .action(async (file: string, options: RunOptions) => {
      const { runId, text } = readRunConfigFile(file);
      const opened = await openCommandStore(options);
      try {
        const key = `configs/${runIdFromKey(basename(file)) === runId ? basename(file) : `${runId}.json`}`;
        await opened.objects.putText(key, text, 'application/json');
        process.stderr.write(`config uploaded to s3://${opened.objects.bucket}/${key} (${opened.location})\n`);
        const pipeline = loadLocalPipeline({
          root: PROJECT_ROOT,
          s3: opened.objects.settings,
          retryDelayMs: options.retryDelayMs === undefined ? undefined : Number(options.retryDelayMs),
          // The functions log JSON lines to stdout; at INFO they would break the progress bars.
          environment: { POWERTOOLS_LOG_LEVEL: options.logLevel.toUpperCase() },
        });
        if (!pipeline.synthesized.cached) process.stderr.write(`synthesized the stack in ${pipeline.synthesized.seconds.toFixed(1)} s\n`);
        // An explicit run takes the run over from an execution that died holding it (a killed `swirl run`).
        const running = pipeline.machine.start({ bucket: opened.objects.bucket, key, takeOver: true });
        const { result, table } = await followExecution(pipeline.machine, running, { stream: process.stderr, interactive: options.plain ? false : undefined });
        process.stdout.write(`\n${table}\n\n`);
        const status = await new RunStore(opened.objects, runId).readStatus().catch(() => null);
        if (status) process.stdout.write(`${formatRunStatus(status)}\n`);
        process.stdout.write(`execution ${result.executionName}: ${result.status}${result.error ? ` (${result.error})` : ''}\n`);
        if (result.status !== 'SUCCEEDED') process.exitCode = 1;
      } finally {
        await opened.close();
      }
    });
}
