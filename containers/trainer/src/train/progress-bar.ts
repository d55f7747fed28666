// A one-line progress bar on a terminal; silent when stdout is not a TTY (Batch logs, tests).

export class ProgressBar {
  private readonly enabled: boolean;
  private readonly startedAt = Date.now();

  constructor(private readonly total: number, private readonly label: string, stream: NodeJS.WriteStream = process.stdout) {
    this.enabled = Boolean(stream.isTTY);
    this.stream = stream;
  }

  private readonly stream: NodeJS.WriteStream;

  update(done: number, detail: string): void {
    if (!this.enabled) return;
    const width = 30;
    const filled = Math.round((width * done) / Math.max(1, this.total));
    const seconds = (Date.now() - this.startedAt) / 1000;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.stream.write(`\r${this.label} ${bar} ${done}/${this.total} ${detail} ${seconds.toFixed(0)}s\x1b[K`);
  }

  finish(): void {
    if (this.enabled) this.stream.write('\n');
  }
}
