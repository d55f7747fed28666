// `swirl status <run>`: print a run's status.json as a readable summary.
import type { Command } from 'commander';
import { RunStatus } from '../../../core/schemas/run-status';
import { RunStore } from '../../../core/store';
import { formatTable } from '../../progress/summary-table';
import { CliError, EXIT_INVALID } from '../cli-error';
import { openCommandStore } from '../cli-object-store';

function describeDuration(startedAt: string | null, finishedAt: string | null): string {
  if (!startedAt) return '-';
  const seconds = ((finishedAt ? Date.parse(finishedAt) : Date.now()) - Date.parse(startedAt)) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** The readable part of a Step Functions cause: a Lambda error's message, a Batch job's reason and log tail, or the text itself. */
export function describeCause(cause: string): string[] {
  let parsed: Record<string, unknown> | null = null;
  try {
    const value = JSON.parse(cause) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    parsed = null;
  }
  if (!parsed) return cause.split('\n').slice(0, 12);
  if (typeof parsed.errorMessage === 'string') return parsed.errorMessage.split('\n').slice(0, 12);
  if (typeof parsed.Status === 'string') {
    const container = (parsed.Container ?? {}) as { ExitCode?: number };
    const tail = Array.isArray(parsed.LogTail) ? (parsed.LogTail as string[]).slice(-8) : [];
    return [`job ${String(parsed.JobName)} ${parsed.Status}: ${String(parsed.StatusReason)} (exit code ${container.ExitCode ?? 'none'})`, ...tail.map((line) => `| ${line}`)];
  }
  return JSON.stringify(parsed, null, 2).split('\n').slice(0, 12);
}

/** Run state, stage, error and one row per stage with its counts. */
export function formatRunStatus(status: RunStatus): string {
  const lines = [`run ${status.runId}: ${status.state}${status.stage ? ` (stage ${status.stage})` : ''}, updated ${status.updatedAt}`];
  if (status.error) {
    lines.push(`error in ${status.error.stage}: ${status.error.error}`);
    for (const line of describeCause(status.error.cause)) lines.push(`  ${line}`);
  }
  const rows = Object.entries(status.stages).map(([stage, progress]) => [
    stage,
    progress!.state,
    describeDuration(progress!.startedAt, progress!.finishedAt),
    Object.entries(progress!.counts).map(([name, value]) => `${name}=${value}`).join(' '),
  ]);
  if (rows.length > 0) lines.push('', formatTable(['stage', 'state', 'time', 'counts'], rows));
  return lines.join('\n');
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Show a run\'s status (runs/<run>/status.json): state, failed stage and error, and each stage\'s counts.')
    .argument('<run>', 'run id')
    .option('--endpoint <url>', 'S3 endpoint (env SWIRL_S3_ENDPOINT); default the embedded store')
    .option('--bucket <name>', 'bucket (env SWIRL_BUCKET, default swirl-local)')
    .option('--data-dir <dir>', 'data directory of the embedded S3 server')
    .option('--json', 'print status.json as it is')
    .action(async (runId: string, options: { endpoint?: string; bucket?: string; dataDir?: string; json?: boolean }) => {
      let store: RunStore | undefined;
      const opened = await openCommandStore(options);
      try {
        try {
          store = new RunStore(opened.objects, runId);
        } catch (error) {
          throw new CliError((error as Error).message, EXIT_INVALID);
        }
        const status = await store.readStatus();
        if (!status) throw new CliError(`no status for run ${JSON.stringify(runId)}: s3://${opened.objects.bucket}/runs/${runId}/status.json does not exist (${opened.location})`);
        process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatRunStatus(status)}\n`);
      } finally {
        await opened.close();
      }
    });
}
