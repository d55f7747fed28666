// Small functions shared by the report's SVG charts: escaping, number formatting, scales and axis ticks.

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);
}

/** Compact labels: 0.734 → "0.734", 12345 → "12,345", 1.2e-5 → "1.2e-5". */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(1);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

/** Maps [domainLow, domainHigh] onto [rangeLow, rangeHigh]; a zero-width domain maps to the range's middle. */
export function createLinearScale(domainLow: number, domainHigh: number, rangeLow: number, rangeHigh: number): (value: number) => number {
  const width = domainHigh - domainLow;
  if (width === 0) return () => (rangeLow + rangeHigh) / 2;
  return (value) => rangeLow + ((value - domainLow) / width) * (rangeHigh - rangeLow);
}

/** About `count` round tick values covering [low, high] (steps of 1, 2 or 5 times a power of ten). */
export function computeTicks(low: number, high: number, count = 5): number[] {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return [];
  if (low === high) return [low];
  const rough = (high - low) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  let first = Math.ceil(low / step) * step;
  // low / step can underflow to 0 for subnormal lows, putting the first tick below the range.
  if (first < low) first += step;
  for (let tick = first; tick <= high + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

/** A colour per series index, distinguishable and readable on white. */
export const SERIES_COLOURS = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5'];

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length];
}

/** The outer <svg> element with an accessible title; charts scale to their container's width. */
export function wrapSvg(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${body}</svg>`;
}

export function renderText(x: number, y: number, text: string, options: { anchor?: 'start' | 'middle' | 'end'; size?: number; rotate?: number; weight?: string } = {}): string {
  const rotate = options.rotate ? ` transform="rotate(${options.rotate} ${x} ${y})"` : '';
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${options.size ?? 11}" text-anchor="${options.anchor ?? 'start'}"${options.weight ? ` font-weight="${options.weight}"` : ''}${rotate}>${escapeXml(text)}</text>`;
}
