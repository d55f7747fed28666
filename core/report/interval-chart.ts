// Accuracy with 95% confidence intervals as inline SVG: one group per eval set, one bar per model.
import { computeTicks, createLinearScale, escapeXml, formatNumber, renderText, seriesColour, wrapSvg } from './svg-primitives';

export interface IntervalItem {
  series: string;
  value: number;
  low: number;
  high: number;
}

export interface IntervalGroup {
  label: string;
  items: IntervalItem[];
}

export function renderIntervalChart(title: string, groups: IntervalGroup[], valueLabel = 'accuracy'): string {
  const series = [...new Set(groups.flatMap((group) => group.items.map((item) => item.series)))];
  const width = 640;
  const height = 300;
  const margin = { left: 52, right: 16, top: 44, bottom: 40 };
  const y = createLinearScale(0, 1, height - margin.bottom, margin.top);
  const groupWidth = (width - margin.left - margin.right) / Math.max(1, groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, series.length);
  const parts: string[] = [renderText(width / 2, 16, title, { anchor: 'middle', size: 13, weight: 'bold' })];
  series.forEach((name, index) => {
    const x = margin.left + index * 120;
    parts.push(`<rect x="${x}" y="24" width="10" height="10" fill="${seriesColour(index)}"/>`, renderText(x + 14, 33, name));
  });
  for (const tick of computeTicks(0, 1, 5)) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(renderText(margin.left - 6, y(tick) + 4, formatNumber(tick), { anchor: 'end' }));
  }
  parts.push(renderText(14, (margin.top + height - margin.bottom) / 2, valueLabel, { anchor: 'middle', rotate: -90 }));
  groups.forEach((group, groupIndex) => {
    const groupLeft = margin.left + groupIndex * groupWidth + groupWidth * 0.1;
    for (const item of group.items) {
      const index = series.indexOf(item.series);
      const x = groupLeft + index * barWidth;
      const middle = x + barWidth / 2;
      const top = y(item.value);
      const label = `${group.label} / ${item.series}: ${formatNumber(item.value)} (95% CI ${formatNumber(item.low)}–${formatNumber(item.high)})`;
      parts.push(`<rect x="${(x + 2).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, barWidth - 4).toFixed(1)}" height="${(height - margin.bottom - top).toFixed(1)}" fill="${seriesColour(index)}" fill-opacity="0.85"><title>${escapeXml(label)}</title></rect>`);
      parts.push(`<path d="M${middle.toFixed(1)} ${y(item.low).toFixed(1)}V${y(item.high).toFixed(1)}M${(middle - 5).toFixed(1)} ${y(item.low).toFixed(1)}h10M${(middle - 5).toFixed(1)} ${y(item.high).toFixed(1)}h10" stroke="#222" stroke-width="1.5" fill="none"/>`);
    }
    parts.push(renderText(margin.left + groupIndex * groupWidth + groupWidth / 2, height - margin.bottom + 16, group.label, { anchor: 'middle' }));
  });
  return wrapSvg(width, height, title, parts.join(''));
}
