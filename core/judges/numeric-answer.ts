// Reads a number out of a free-form math answer: "$1,000", "72 dollars", "10.00", "3/4", "1 1/2", "-5%".
const NUMBER = String.raw`-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
const MIXED = new RegExp(String.raw`^(-?\d+)\s+(\d+)\s*/\s*(\d+)$`);
const FRACTION = new RegExp(String.raw`^(${NUMBER})\s*/\s*(${NUMBER})$`);
const SINGLE = new RegExp(String.raw`^${NUMBER}$`, 'i');
const LEADING = new RegExp(String.raw`^(${NUMBER})(?:\s*/\s*(${NUMBER}))?(?![\d.])`, 'i');
const ANY_NUMBER = new RegExp(String.raw`${NUMBER}(?:\s*/\s*${NUMBER})?`, 'gi');

function toNumber(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function divide(numerator: string, denominator: string): number | null {
  const top = toNumber(numerator);
  const bottom = toNumber(denominator);
  if (top === null || bottom === null || bottom === 0) return null;
  return top / bottom;
}

/** Removes what never changes a value: currency signs, thousands separators, surrounding markup and trailing punctuation. */
export function cleanNumericText(text: string): string {
  return text
    .replace(/\\boxed\{([^}]*)\}/g, '$1')
    .replace(/[*_`]/g, '')
    .replace(/[$€£¥]/g, '')
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/(\d)\s*%/g, '$1')
    .trim()
    .replace(/[.,;:!?]+$/, '')
    .trim();
}

/**
 * The number an answer states, or null when it states none. A leading number wins ("72 dollars",
 * "5 apples and 2 pears" → 5), else the last number in the text ("so she has 72" → 72).
 */
export function parseNumericAnswer(answer: string): number | null {
  const text = cleanNumericText(answer);
  if (text === '') return null;
  if (SINGLE.test(text)) return toNumber(text);
  const mixed = MIXED.exec(text);
  if (mixed) {
    const whole = Number(mixed[1]);
    const fraction = divide(mixed[2], mixed[3]);
    if (fraction === null) return null;
    return whole < 0 || mixed[1].startsWith('-') ? whole - fraction : whole + fraction;
  }
  const fraction = FRACTION.exec(text);
  if (fraction) return divide(fraction[1], fraction[2]);
  const leading = LEADING.exec(text);
  if (leading) return leading[2] !== undefined ? divide(leading[1], leading[2]) : toNumber(leading[1]);
  const all = text.match(ANY_NUMBER);
  if (!all) return null;
  const last = all[all.length - 1];
  const parts = last.split('/');
  return parts.length === 2 ? divide(parts[0].trim(), parts[1].trim()) : toNumber(last);
}

/** Equal up to floating-point noise (relative 1e-9), so 1,000,000 and 1,000,001 stay different. */
export function numbersMatch(left: number, right: number): boolean {
  return Math.abs(left - right) <= 1e-9 * Math.max(1, Math.abs(left), Math.abs(right));
}

export function numericAnswersMatch(prediction: string, gold: string): boolean {
  const predicted = parseNumericAnswer(prediction);
  const expected = parseNumericAnswer(gold);
  return predicted !== null && expected !== null && numbersMatch(predicted, expected);
}
