// The demo's results: accuracy with its 95% interval per model and eval set, as the JSON line and as a table.
import { EvaluationMetrics } from '../../core/evaluate/evaluation-record';

export interface SetResult {
  accuracy: number;
  ci95: [number, number];
  questions: number;
}

/** results[model][set], e.g. results.swirl.hop. */
export type ModelResults = Record<string, Record<string, SetResult>>;

/** Models in reporting order: the base policy, the baseline trained on the same data, then the objective. */
export const DEMO_MODELS = ['base', 'sft', 'swirl'] as const;

export function extractResults(metrics: EvaluationMetrics): ModelResults {
  const results: ModelResults = {};
  for (const [model, sets] of Object.entries(metrics.results)) {
    results[model] = {};
    for (const [set, value] of Object.entries(sets)) {
      results[model][set] = { accuracy: value.accuracy, ci95: [value.ci95.low, value.ci95.high], questions: value.questions };
    }
  }
  return results;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The `--json` line: {"base":{"hop":{"accuracy","ci95"},…},"sft":{…},"swirl":{…},"seconds":…}. */
export function formatResultsJson(results: ModelResults, seconds: number, extra: Record<string, unknown> = {}): string {
  const body: Record<string, unknown> = {};
  for (const [model, sets] of Object.entries(results)) {
    body[model] = Object.fromEntries(Object.entries(sets).map(([set, value]) => [set, { accuracy: round(value.accuracy), ci95: value.ci95.map(round), questions: value.questions }]));
  }
  return JSON.stringify({ ...body, seconds: Math.round(seconds), ...extra });
}

export function formatPercent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

export function formatCell(value: SetResult | undefined): string {
  if (!value) return 'n/a';
  return `${formatPercent(value.accuracy)} [${formatPercent(value.ci95[0])}, ${formatPercent(value.ci95[1])}]`;
}

/** Lays out rows of cells as a plain-text table with a header rule. */
export function formatTextTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Rows base / sft / swirl (then any other model), columns the eval sets with accuracy and 95% interval. */
export function formatResultsTable(results: ModelResults, sets: readonly string[], labels: Record<string, string> = {}): string {
  const known = DEMO_MODELS.filter((model) => results[model]);
  const others = Object.keys(results).filter((model) => !(DEMO_MODELS as readonly string[]).includes(model)).sort();
  const header = ['model', ...sets.map((set) => `${labels[set] ?? set} accuracy [95% CI]`)];
  const rows = [...known, ...others].map((model) => [model, ...sets.map((set) => formatCell(results[model][set]))]);
  return formatTextTable(header, rows);
}

/** True when `model`'s accuracy on `set` lies above the upper end of `reference`'s 95% interval. */
export function exceedsInterval(results: ModelResults, model: string, reference: string, set: string): boolean {
  const candidate = results[model]?.[set];
  const baseline = results[reference]?.[set];
  return candidate !== undefined && baseline !== undefined && candidate.accuracy > baseline.ci95[1];
}
