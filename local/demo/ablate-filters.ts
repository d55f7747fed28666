// The filter ablation: the demo run once per filter strategy, rollouts done once and reused, one table of the outcomes.
import { TrainManifest, TrainManifestSchema } from '../../core/assemble/train-manifest';
import { FILTER_STRATEGIES, FilterStrategy } from '../../core/schemas/run-config';
import { ObjectStore } from '../../core/store/object-store';
import { RUN_FILES } from '../../core/store/run-keys';
import { RunStore } from '../../core/store/run-store';
import { ProgressStream } from '../progress/progress-renderer';
import { createDemoConfig, createDemoRunId, DemoConfigOptions } from './demo-config';
import { formatCell, formatTextTable, ModelResults } from './demo-results';
import { runDemoPipeline } from './run-demo-pipeline';
import { seedRollouts } from './seed-rollouts';

export interface AblationRow {
  strategy: FilterStrategy;
  runId: string;
  succeeded: boolean;
  error: string | null;
  trajectories: number | null;
  kept: number | null;
  sftRecords: number | null;
  states: number | null;
  results: ModelResults | null;
  reportPath: string | null;
  seconds: number;
}

export interface AblationOptions {
  objects: ObjectStore;
  root: string;
  outputDirectory: string;
  stream: ProgressStream;
  interactive?: boolean;
  size?: DemoConfigOptions;
  strategies?: readonly FilterStrategy[];
  runIdPrefix?: string;
}

/** process+outcome → process-outcome: run ids allow no "+". */
export function slugOf(strategy: FilterStrategy): string {
  return strategy.replace(/\+/g, '-');
}

async function readManifest(objects: ObjectStore, runId: string): Promise<TrainManifest | null> {
  return new RunStore(objects, runId).getJson(RUN_FILES.trainManifest, TrainManifestSchema).catch(() => null);
}

/** The first strategy's run rolls out; every later run is seeded with its trajectories, so its rollout stage skips. */
export async function ablateFilters(options: AblationOptions): Promise<AblationRow[]> {
  const strategies = options.strategies ?? FILTER_STRATEGIES;
  const prefix = options.runIdPrefix ?? createDemoRunId('ablate');
  const rows: AblationRow[] = [];
  let source: string | null = null;
  for (const strategy of strategies) {
    const runId = `${prefix}-${slugOf(strategy)}`;
    options.stream.write(`\nfilter ${strategy}: run ${runId}${source ? ` (rollouts reused from ${source})` : ''}\n`);
    const seededFrom = source;
    const outcome = await runDemoPipeline({
      config: createDemoConfig({ ...options.size, runId, filter: strategy }),
      objects: options.objects,
      root: options.root,
      outputDirectory: options.outputDirectory,
      stream: options.stream,
      interactive: options.interactive,
      beforeStart: seededFrom ? async (target) => { await seedRollouts(options.objects, seededFrom, target); } : undefined,
    });
    const manifest = await readManifest(options.objects, runId);
    if (source === null && (await new RunStore(options.objects, runId).listParts('trajectories')).length > 0) source = runId;
    rows.push({
      strategy,
      runId,
      succeeded: outcome.succeeded,
      error: outcome.error,
      trajectories: manifest?.trajectories ?? null,
      kept: manifest ? manifest.strategies[strategy].kept : null,
      sftRecords: manifest?.records.sft ?? null,
      states: manifest?.records.states ?? null,
      results: outcome.results,
      reportPath: outcome.reportPath,
      seconds: outcome.seconds,
    });
  }
  return rows;
}

/** One line per strategy: kept trajectories, records, then sft and swirl accuracy per eval set; base accuracy above it. */
export function formatAblationTable(rows: readonly AblationRow[], sets: readonly string[]): string {
  const header = ['filter', 'kept', 'records', ...sets.flatMap((set) => [`sft ${set}`, `swirl ${set}`]), 'run'];
  const body = rows.map((row) => [
    row.strategy,
    row.kept === null ? 'n/a' : `${row.kept}/${row.trajectories}`,
    row.sftRecords === null ? 'n/a' : String(row.sftRecords),
    ...sets.flatMap((set) => [formatCell(row.results?.sft?.[set]), formatCell(row.results?.swirl?.[set])]),
    row.succeeded ? 'ok' : 'FAILED',
  ]);
  const base = rows.find((row) => row.results?.base)?.results?.base;
  const baseLine = base ? `base policy: ${sets.map((set) => `${set} ${formatCell(base[set])}`).join(', ')}` : 'base policy: not evaluated';
  return `${formatTextTable(header, body)}\n\n${baseLine}`;
}
