// Appends one JSON line of training metrics per optimizer step, locally and (on flush) to the object store.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface StepMetrics {
  step: number;
  loss: number;
  learningRate: number;
  tokensPerSecond: number;
  gradientNorm: number;
  reward?: number;
  kl?: number;
  [extra: string]: number | undefined;
}

export class MetricsWriter {
  private readonly lines: string[] = [];

  constructor(private readonly localFile: string | null) {}

  /** Restores lines written before a resume, dropping any past the checkpoint so no step appears twice. */
  restore(previous: string | null, upToStep: number): void {
    this.lines.length = 0;
    for (const line of (previous ?? '').split('\n')) {
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as StepMetrics;
      if (parsed.step <= upToStep) this.lines.push(line);
    }
  }

  async append(metrics: StepMetrics): Promise<void> {
    const line = JSON.stringify(metrics);
    this.lines.push(line);
    if (this.localFile) {
      await fs.mkdir(path.dirname(this.localFile), { recursive: true });
      await fs.writeFile(this.localFile, this.text());
    }
  }

  text(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }

  entries(): StepMetrics[] {
    return this.lines.map((line) => JSON.parse(line) as StepMetrics);
  }
}
