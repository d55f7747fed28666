// `swirl status <run>`: print a run's status.json as a readable summary.
import type { Command } from 'commander';
import { RunStatus, STAGES } from '../../../core/schemas/run-status';
import { readStageTimings, RunStore, stateOfTiming, type ShardTimedStage, type StageTiming } from '../../../core/store';
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

/**
 * Run state, stage, error and one row per stage with its counts. The fanned-out stages have no entry in status.json
 * unless they failed; their rows come from the shard timing records (shards started and finished).
 */
export function formatRunStatus(status: RunStatus, timings: Partial<Record<ShardTimedStage, StageTiming>> = {}): string {
  const stage = currentStage(status, timings);
  const lines = [`run ${status.runId}: ${status.state}${stage ? ` (stage ${stage})` : ''}, updated ${status.updatedAt}`];
  if (status.error) {
    lines.push(`error in ${status.error.stage}: ${status.error.error}`);
    for (const line of describeCause(status.error.cause)) lines.push(`  ${line}`);
  }
  const rows: string[][] = [];
  for (const stage of STAGES) {
    const progress = status.stages[stage];
    const timing = timings[stage as ShardTimedStage];
    if (progress) {
      const counts = Object.entries(progress.counts).map(([name, value]) => `${name}=${value}`).join(' ');
      rows.push([stage, progress.state, describeDuration(progress.startedAt ?? timing?.startedAt ?? null, progress.finishedAt), counts]);
    } else if (timing) {
      rows.push([stage, stateOfTiming(timing), describeDuration(timing.startedAt, timing.finishedAt), `shards=${timing.shards} finished=${timing.finishedShards}`]);
    }
  }
  if (rows.length > 0) lines.push('', formatTable(['stage', 'state', 'time', 'counts'], rows));
  return lines.join('\n');
}

/**
 * The stage a running run is in: status.json names the last single-writer stage (prepare, assemble, report), so while
 * the fanned-out stages work it would still say prepare; the latest stage with shard timing records is the live one.
 */
function currentStage(status: RunStatus, timings: Partial<Record<ShardTimedStage, StageTiming>>): string | null {
  if (status.state !== 'RUNNING') return status.stage;
  let latest = status.stage;
  for (const stage of STAGES) if (status.stages[stage] || timings[stage as ShardTimedStage]) latest = stage;
  return latest;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Show a run\'s status (runs/<run>/status.json and the shard timings under runs/<run>/timings/): state, failed stage and error, and each stage\'s time and counts.')
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
        process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatRunStatus(status, await readStageTimings(opened.objects, runId))}\n`);
      } finally {
        await opened.close();
      }
    });
}
