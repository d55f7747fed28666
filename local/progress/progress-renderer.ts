// Draws one progress bar per stage on a terminal, or writes plain log lines when the output is not a TTY.
import { StageProgress, StageProgressTracker } from './stage-progress';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 24;
const REDRAW_INTERVAL_MS = 100;

function formatSeconds(progress: StageProgress, now: number): string {
  if (progress.startedAt === undefined) return '';
  const seconds = ((progress.finishedAt ?? now) - progress.startedAt) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** One bar: `rollout    [#########---------------]   3/8  1 failed  2 retries  12.4s  RUNNING`. */
export function formatStageLine(progress: StageProgress, nameWidth: number, now = Date.now(), unicode = true): string {
  const fraction = progress.total > 0 ? Math.min(1, (progress.done + progress.failed) / progress.total) : progress.state === 'SUCCEEDED' ? 1 : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const [full, empty] = unicode ? ['█', '░'] : ['#', '-'];
  const bar = `[${full.repeat(filled)}${empty.repeat(BAR_WIDTH - filled)}]`;
  const counts = progress.total > 0 ? `${progress.done}/${progress.total}`.padStart(9) : ''.padStart(9);
  const extras = [progress.failed > 0 ? `${progress.failed} failed` : '', progress.retries > 0 ? `${progress.retries} retries` : '', formatSeconds(progress, now)].filter(Boolean).join('  ');
  return `${progress.stage.padEnd(nameWidth)} ${bar} ${counts}  ${progress.state.padEnd(9)} ${extras}`.trimEnd();
}

export class ProgressRenderer {
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly nameWidth: number;
  private readonly interactive: boolean;
  private readonly reported = new Map<string, string>();

  constructor(private readonly tracker: StageProgressTracker, private readonly stream: ProgressStream, options: { interactive?: boolean } = {}) {
    this.interactive = options.interactive ?? Boolean(stream.isTTY);
    this.nameWidth = Math.max(8, ...tracker.list().map((progress) => progress.stage.length));
    tracker.onChange((progress) => (this.interactive ? this.schedule() : this.logLine(progress)));
  }

  start(): void {
    if (this.interactive) {
      this.draw();
      // Keeps the elapsed times moving while a long stage (training) runs without events.
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
    }
  }

  /** Draws the final state and stops redrawing. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.interactive) this.draw();
  }

  /** Writes a line above the bars (child process output, messages) without breaking them. */
  log(line: string): void {
    if (!this.interactive) {
      this.stream.write(`${line}\n`);
      return;
    }
    this.clear();
    this.stream.write(`${line}\n`);
    this.draw();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.draw();
    }, REDRAW_INTERVAL_MS);
  }

  private pending: NodeJS.Timeout | undefined;

  private clear(): void {
    if (this.drawnLines > 0) this.stream.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    const width = this.stream.columns ?? 120;
    const lines = this.tracker.list().map((progress) => formatStageLine(progress, this.nameWidth).slice(0, width - 1));
    this.clear();
    this.stream.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  /** Plain mode: a line when a stage starts, finishes or fails, and at each quarter of its items. */
  private logLine(progress: StageProgress): void {
    const quarter = progress.total > 1 ? Math.floor(((progress.done + progress.failed) / progress.total) * 4) : 0;
    const signature = `${progress.state}:${quarter}:${progress.failed}`;
    if (this.reported.get(progress.stage) === signature) return;
    this.reported.set(progress.stage, signature);
    const counts = progress.total > 1 ? ` ${progress.done}/${progress.total} done` : '';
    const failed = progress.failed > 0 ? `, ${progress.failed} failed` : '';
    const error = progress.state === 'FAILED' && progress.lastError ? ` (${progress.lastError})` : '';
    const time = progress.state === 'SUCCEEDED' || progress.state === 'FAILED' ? ` in ${formatSeconds(progress, Date.now())}` : '';
    this.stream.write(`[${progress.stage}] ${progress.state.toLowerCase()}${counts}${failed}${time}${error}\n`);
  }
}
