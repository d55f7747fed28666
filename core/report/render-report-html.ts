// Renders metrics.json as one self-contained HTML page (inline CSS and SVG, no scripts or external assets).
import { renderBarChart } from './bar-chart';
import { IntervalGroup, renderIntervalChart } from './interval-chart';
import { LineSeries, renderLineChart } from './line-chart';
import { RunMetrics } from './run-metrics';
import { escapeXml, formatNumber } from './svg-primitives';

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:960px;padding:24px;color:#1d1d1f}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}.state{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600}
.SUCCEEDED{background:#2e7d32}.FAILED{background:#c62828}.RUNNING,.PENDING{background:#757575}.missing{color:#777;font-style:italic}
.failure{background:#fdecea;border-left:4px solid #c62828;padding:8px 12px;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px}
.meta{color:#555}figure{margin:8px 0}`;

function table(headers: string[], rows: Array<Array<string | number | null>>): string {
  const head = `<tr>${headers.map((header) => `<th>${escapeXml(header)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell === null ? '–' : escapeXml(typeof cell === 'number' ? formatNumber(cell) : cell)}</td>`).join('')}</tr>`).join('');
  return `<table>${head}${body}</table>`;
}

function missing(what: string): string {
  return `<p class="missing">${escapeXml(what)}</p>`;
}

function renderAccuracy(metrics: RunMetrics): string {
  const evaluation = metrics.evaluation;
  if (!evaluation || evaluation.results.length === 0) return missing('No evaluation results (the evaluate stage has not written eval/metrics.json, or the run has no eval sets).');
  const groups: IntervalGroup[] = evaluation.sets.map((set) => ({
    label: set,
    items: evaluation.results.filter((result) => result.set === set).map((result) => ({ series: result.model, value: result.accuracy, low: result.ci95.low, high: result.ci95.high })),
  }));
  const rows = evaluation.results.map((result) => [result.set, result.model, result.questions, result.correct, result.accuracy, `${formatNumber(result.ci95.low)}–${formatNumber(result.ci95.high)}`, result.f1, result.meanSteps, result.meanTokens]);
  const failedModels = evaluation.models.filter((model) => model.error).map((model) => `<p class="missing">${escapeXml(model.name)}: ${escapeXml(model.error!)}</p>`).join('');
  return `<figure>${renderIntervalChart('Accuracy per eval set and model (95% Wilson interval)', groups)}</figure>`
    + table(['set', 'model', 'questions', 'correct', 'accuracy', '95% CI', 'F1', 'mean steps', 'mean tokens'], rows) + failedModels;
}

function renderFunnel(metrics: RunMetrics): string {
  const funnel = metrics.funnel;
  if (!funnel) return missing('No training-set manifest (the assemble stage has not written train/manifest.json).');
  const chart = renderBarChart({ title: `Filter funnel (strategy: ${funnel.strategy})`, orientation: 'horizontal', bars: funnel.stages.map((stage) => ({ label: stage.label, value: stage.count })) });
  return `<figure>${chart}</figure>${table(['trajectory bucket', 'count'], Object.entries(funnel.buckets).map(([bucket, count]) => [bucket, count]))}`;
}

function renderStepsHistogram(metrics: RunMetrics): string {
  const trajectories = metrics.trajectories;
  if (!trajectories || trajectories.count === 0) return missing('No trajectories found under trajectories/.');
  const counts = new Map(trajectories.stepsHistogram.map((bin) => [bin.steps, bin.count]));
  const largest = Math.max(...counts.keys());
  const bars = Array.from({ length: largest + 1 }, (_unused, steps) => ({ label: String(steps), value: counts.get(steps) ?? 0 }));
  const chart = renderBarChart({ title: `Steps per trajectory (${formatNumber(trajectories.count)} trajectories)`, orientation: 'vertical', bars, categoryLabel: 'steps', valueLabel: 'trajectories' });
  const reasons = table(['finish reason', 'trajectories'], Object.entries(trajectories.finishReasons).map(([reason, count]) => [reason, count]));
  return `<figure>${chart}</figure>${reasons}`;
}

function renderTraining(metrics: RunMetrics): string {
  if (metrics.training.length === 0) return missing('No training metrics (model/<objective>/metrics.jsonl not found).');
  const charts: string[] = [];
  for (const [field, label] of [['loss', 'Loss'], ['reward', 'Reward'], ['kl', 'KL to reference']] as const) {
    const series: LineSeries[] = metrics.training
      .map((run) => ({ name: run.objective, points: run.curve.filter((point) => point[field] !== null).map((point) => ({ x: point.step, y: point[field]! })) }))
      .filter((line) => line.points.length > 0);
    if (series.length > 0) charts.push(`<figure>${renderLineChart(`${label} per optimizer step`, series, { x: 'step', y: field })}</figure>`);
    else charts.push(missing(`${label}: not recorded by any objective.`));
  }
  const rows = metrics.training.map((run) => [
    run.objective, run.steps, run.finalLoss, run.validationLoss,
    run.screening ? `${formatNumber(run.screening.informative)} of ${formatNumber(run.screening.screened)} screened` : null,
  ]);
  return charts.join('') + table(['objective', 'steps', 'final loss', 'validation loss', 'states trained on'], rows);
}

function renderAccounting(metrics: RunMetrics): string {
  const rows = metrics.stages.map((stage) => [
    stage.stage, stage.state, stage.seconds,
    stage.tokens ? stage.tokens.inputTokens : null, stage.tokens ? stage.tokens.outputTokens : null,
    Object.entries(stage.counts).map(([name, count]) => `${name} ${formatNumber(count)}`).join(', ') || null,
  ]);
  const cost = metrics.trajectories && metrics.trajectories.costUsd > 0 ? `<p class="meta">Rollout cost: $${metrics.trajectories.costUsd.toFixed(4)}</p>` : '';
  return table(['stage', 'state', 'seconds', 'input tokens', 'output tokens', 'counts'], rows) + cost
    + '<p class="meta">Evaluate tokens are input and output together.</p>';
}

export function renderReportHtml(metrics: RunMetrics): string {
  const failure = metrics.failure
    ? `<div class="failure">Failed in stage ${escapeXml(metrics.failure.stage)}: ${escapeXml(metrics.failure.error)}\n${escapeXml(metrics.failure.cause)}</div>`
    : '';
  const problems = metrics.problems.length > 0 ? `<h2>Missing inputs</h2><ul>${metrics.problems.map((problem) => `<li>${escapeXml(problem)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Swirl run ${escapeXml(metrics.runId)}</title><style>${STYLE}</style></head><body>
<h1>Swirl run ${escapeXml(metrics.runId)} <span class="state ${escapeXml(metrics.state)}">${escapeXml(metrics.state)}</span></h1>
<p class="meta">Report generated ${escapeXml(metrics.generatedAt)}</p>${failure}
<h2>Accuracy</h2>${renderAccuracy(metrics)}
<h2>Filter funnel</h2>${renderFunnel(metrics)}
<h2>Steps per trajectory</h2>${renderStepsHistogram(metrics)}
<h2>Training curves</h2>${renderTraining(metrics)}
<h2>Tokens and time per stage</h2>${renderAccounting(metrics)}
${problems}</body></html>
`;
}
