// The table printed when a run ends: one row per stage with its outcome, counts, retries and duration.
import { StageProgress } from './stage-progress';

function formatDuration(progress: StageProgress): string {
  if (progress.startedAt === undefined || progress.finishedAt === undefined) return '-';
  const seconds = (progress.finishedAt - progress.startedAt) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** Renders rows as a plain-text table with aligned columns. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function formatSummaryTable(stages: StageProgress[]): string {
  const rows = stages.map((progress) => [
    progress.stage,
    progress.state,
    progress.total > 0 ? `${progress.done}/${progress.total}` : '-',
    String(progress.failed),
    String(progress.retries),
    formatDuration(progress),
    progress.state === 'FAILED' ? progress.lastError ?? '' : '',
  ]);
  return formatTable(['stage', 'state', 'done', 'failed', 'retries', 'time', 'error'], rows);
}
