// Line charts as inline SVG: training curves (loss, reward, KL) with one line per objective.
import { computeTicks, createLinearScale, formatNumber, renderText, seriesColour, wrapSvg } from './svg-primitives';

export interface LineSeries {
  name: string;
  points: Array<{ x: number; y: number }>;
}

export function renderLineChart(title: string, series: LineSeries[], axes: { x: string; y: string }): string {
  const width = 640;
  const height = 260;
  const margin = { left: 60, right: 16, top: 44, bottom: 40 };
  const points = series.flatMap((line) => line.points).filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y));
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  const xLow = Math.min(...xs, 0);
  const xHigh = Math.max(...xs, 1);
  let yLow = Math.min(...ys);
  let yHigh = Math.max(...ys);
  if (!Number.isFinite(yLow)) [yLow, yHigh] = [0, 1];
  if (yLow === yHigh) [yLow, yHigh] = [yLow - 1, yHigh + 1];
  const x = createLinearScale(xLow, xHigh, margin.left, width - margin.right);
  const y = createLinearScale(yLow, yHigh, height - margin.bottom, margin.top);
  const parts: string[] = [renderText(width / 2, 16, title, { anchor: 'middle', size: 13, weight: 'bold' })];
  series.forEach((line, index) => {
    const left = margin.left + index * 120;
    parts.push(`<rect x="${left}" y="24" width="10" height="10" fill="${seriesColour(index)}"/>`, renderText(left + 14, 33, line.name));
  });
  for (const tick of computeTicks(yLow, yHigh, 4)) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(renderText(margin.left - 6, y(tick) + 4, formatNumber(tick), { anchor: 'end' }));
  }
  for (const tick of computeTicks(xLow, xHigh, 6)) parts.push(renderText(x(tick), height - margin.bottom + 14, formatNumber(tick), { anchor: 'middle' }));
  parts.push(renderText((margin.left + width - margin.right) / 2, height - 6, axes.x, { anchor: 'middle' }));
  parts.push(renderText(14, (margin.top + height - margin.bottom) / 2, axes.y, { anchor: 'middle', rotate: -90 }));
  series.forEach((line, index) => {
    const valid = line.points.filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y));
    if (valid.length === 0) return;
    const path = valid.map((point, pointIndex) => `${pointIndex === 0 ? 'M' : 'L'}${x(point.x).toFixed(1)} ${y(point.y).toFixed(1)}`).join('');
    parts.push(`<path d="${path}" fill="none" stroke="${seriesColour(index)}" stroke-width="1.8"/>`);
    if (valid.length === 1) parts.push(`<circle cx="${x(valid[0].x).toFixed(1)}" cy="${y(valid[0].y).toFixed(1)}" r="3" fill="${seriesColour(index)}"/>`);
  });
  return wrapSvg(width, height, title, parts.join(''));
}
