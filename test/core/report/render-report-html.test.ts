// The self-contained HTML report: content, escaping and charts.
import fc from 'fast-check';
import { buildRunMetrics, computeTicks, escapeXml, renderIntervalChart, renderReportHtml, ReportInputs } from '../../../core/report';
import { makeEvaluation, makeManifest } from './report-fixtures';

const finished: ReportInputs = {
  runId: 'r1',
  status: { runId: 'r1', state: 'SUCCEEDED', stage: 'report', stages: {}, error: null, updatedAt: 'now' },
  manifest: makeManifest('r1'), evaluation: makeEvaluation('r1'),
  training: [
    { objective: 'sft', steps: [{ step: 1, loss: 2 }, { step: 2, loss: 1 }], summary: null },
    { objective: 'swirl', steps: [{ step: 1, loss: 3, reward: 0.2, kl: 0 }, { step: 2, loss: 2, reward: 0.4, kl: 0.1 }], summary: { finalLoss: 2, validationLoss: null, screening: { screened: 476, informative: 141 } } },
  ],
  trajectories: { count: 6, steps: { 0: 1, 3: 5 }, finishReasons: { answered: 5, step_limit: 1 }, inputTokens: 10, outputTokens: 5, costUsd: 0 },
  problems: [],
};

describe('renderReportHtml', () => {
  const html = renderReportHtml(buildRunMetrics(finished, '2026-01-01T00:00:00.000Z'));

  it('is one self-contained page: no scripts, no external assets', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    const addresses = html.match(/https?:\/\/[^"'\s)]+/g) ?? [];
    expect(new Set(addresses)).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('draws accuracy, funnel, histogram and the loss, reward and KL curves', () => {
    const titles = [...html.matchAll(/<svg[^>]*aria-label="([^"]+)"/g)].map((match) => match[1]);
    expect(titles).toEqual([
      'Accuracy per eval set and model (95% Wilson interval)',
      'Filter funnel (strategy: process)',
      'Steps per trajectory (6 trajectories)',
      'Loss per optimizer step', 'Reward per optimizer step', 'KL to reference per optimizer step',
    ]);
    // The histogram fills empty step counts: bars for 0, 1, 2 and 3 steps.
    const histogram = html.slice(html.indexOf('Steps per trajectory (6'), html.indexOf('</svg>', html.indexOf('Steps per trajectory (6')));
    expect((histogram.match(/<rect /g) ?? []).length).toBe(4);
    // Reward and KL come from swirl only, loss from both objectives.
    const loss = html.slice(html.indexOf('aria-label="Loss'), html.indexOf('aria-label="Reward'));
    expect((loss.match(/<path d="M/g) ?? []).length).toBe(2);
    const reward = html.slice(html.indexOf('aria-label="Reward'), html.indexOf('aria-label="KL'));
    expect((reward.match(/<path d="M/g) ?? []).length).toBe(1);
    // The training table says how many states swirl's screening kept.
    expect(html).toContain('141 of 476 screened');
  });

  it('escapes what it did not write itself', () => {
    const hostile = buildRunMetrics({
      ...finished, runId: 'r1',
      status: { ...finished.status!, state: 'FAILED', error: { stage: 'judge', error: '<script>alert(1)</script>', cause: 'a & b "quoted"' } },
    }, 'now');
    const page = renderReportHtml(hostile);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('a &amp; b &quot;quoted&quot;');
  });

  it('says what is missing instead of drawing empty charts', () => {
    const page = renderReportHtml(buildRunMetrics({ ...finished, manifest: null, evaluation: null, training: [], trajectories: null, problems: ['runs/r1/eval/metrics.json: not found'] }, 'now'));
    expect(page).not.toContain('<svg');
    expect(page).toContain('No evaluation results');
    expect(page).toContain('No training-set manifest');
    expect(page).toContain('runs/r1/eval/metrics.json: not found');
  });
});

describe('chart geometry', () => {
  it('places the interval whiskers at the bounds of the confidence interval', () => {
    const svg = renderIntervalChart('t', [{ label: 'set', items: [{ series: 'm', value: 0.5, low: 0.25, high: 0.75 }] }]);
    // Plot area: y(0) = 300 - 40 = 260, y(1) = 44.
    const whisker = svg.match(/<path d="M([\d.]+) ([\d.]+)V([\d.]+)/)!;
    expect(Number(whisker[2])).toBeCloseTo(260 - 0.25 * 216, 1);
    expect(Number(whisker[3])).toBeCloseTo(260 - 0.75 * 216, 1);
    const bar = svg.match(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="#4269d0" fill-opacity/)!;
    expect(Number(bar[1])).toBeCloseTo(152, 1);
    expect(Number(bar[1]) + Number(bar[2])).toBeCloseTo(260, 1);
  });

  it('computes round, ascending ticks that cover the range', () => {
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (low, width) => {
      const high = low + width;
      const ticks = computeTicks(low, high, 5);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(11);
      const step = ticks[1] - ticks[0];
      expect(ticks[0]).toBeGreaterThanOrEqual(low - 1e-9 * Math.abs(low));
      expect(ticks.at(-1)!).toBeLessThanOrEqual(high + step * 1e-6);
      expect(high - ticks.at(-1)!).toBeLessThan(step * 1.000001);
      for (let index = 1; index < ticks.length; index += 1) expect(ticks[index]).toBeGreaterThan(ticks[index - 1]);
    }));
  });

  it('escapes every markup character', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      expect(escapeXml(text)).not.toMatch(/[<>"']|&(?!amp;|lt;|gt;|quot;|#39;)/);
    }));
  });
});
