// Bar charts as inline SVG: vertical (histograms) or horizontal (the filter funnel).
import { computeTicks, createLinearScale, formatNumber, renderText, seriesColour, wrapSvg } from './svg-primitives';

export interface Bar {
  label: string;
  value: number;
}

export interface BarChartOptions {
  title: string;
  bars: Bar[];
  orientation: 'vertical' | 'horizontal';
  valueLabel?: string;
  categoryLabel?: string;
}

export function renderBarChart(options: BarChartOptions): string {
  return options.orientation === 'horizontal' ? renderHorizontal(options) : renderVertical(options);
}

function renderVertical({ title, bars, valueLabel, categoryLabel }: BarChartOptions): string {
  const width = 640;
  const height = 280;
  const margin = { left: 56, right: 16, top: 28, bottom: 48 };
  const maximum = Math.max(1, ...bars.map((bar) => bar.value));
  const y = createLinearScale(0, maximum, height - margin.bottom, margin.top);
  const slot = (width - margin.left - margin.right) / Math.max(1, bars.length);
  const parts: string[] = [renderText(width / 2, 16, title, { anchor: 'middle', size: 13, weight: 'bold' })];
  for (const tick of computeTicks(0, maximum, 4)) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(renderText(margin.left - 6, y(tick) + 4, formatNumber(tick), { anchor: 'end' }));
  }
  bars.forEach((bar, index) => {
    const x = margin.left + index * slot + slot * 0.1;
    const top = y(bar.value);
    parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" height="${(height - margin.bottom - top).toFixed(1)}" fill="${seriesColour(0)}"><title>${bar.label}: ${formatNumber(bar.value)}</title></rect>`);
    parts.push(renderText(x + slot * 0.4, height - margin.bottom + 14, bar.label, { anchor: 'middle' }));
  });
  if (categoryLabel) parts.push(renderText((margin.left + width - margin.right) / 2, height - 8, categoryLabel, { anchor: 'middle' }));
  if (valueLabel) parts.push(renderText(14, (margin.top + height - margin.bottom) / 2, valueLabel, { anchor: 'middle', rotate: -90 }));
  return wrapSvg(width, height, title, parts.join(''));
}

function renderHorizontal({ title, bars, valueLabel }: BarChartOptions): string {
  const width = 640;
  const rowHeight = 26;
  const margin = { left: 190, right: 70, top: 28, bottom: valueLabel ? 28 : 10 };
  const height = margin.top + margin.bottom + rowHeight * bars.length;
  const maximum = Math.max(1, ...bars.map((bar) => bar.value));
  const x = createLinearScale(0, maximum, margin.left, width - margin.right);
  const parts: string[] = [renderText(width / 2, 16, title, { anchor: 'middle', size: 13, weight: 'bold' })];
  bars.forEach((bar, index) => {
    const top = margin.top + index * rowHeight;
    parts.push(renderText(margin.left - 8, top + rowHeight * 0.65, bar.label, { anchor: 'end' }));
    parts.push(`<rect x="${margin.left}" y="${(top + 3).toFixed(1)}" width="${(x(bar.value) - margin.left).toFixed(1)}" height="${rowHeight - 6}" fill="${seriesColour(index === 0 ? 0 : 3)}"><title>${bar.label}: ${formatNumber(bar.value)}</title></rect>`);
    parts.push(renderText(x(bar.value) + 6, top + rowHeight * 0.65, formatNumber(bar.value)));
  });
  if (valueLabel) parts.push(renderText((margin.left + width - margin.right) / 2, height - 8, valueLabel, { anchor: 'middle' }));
  return wrapSvg(width, height, title, parts.join(''));
}
