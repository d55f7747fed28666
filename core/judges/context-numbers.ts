// The numbers a step may build on: those in the question and in earlier tool results (never the model's own claims).
import { Message } from '../schemas/message';

const NUMBER_TOKEN = /(\d),(?=\d{3}(?!\d))/g;
const NUMBER = /-?(?:\d+(?:\.\d+)?|\.\d+)(\s*%)?/g;
const NUMBER_WORDS: Record<string, number[]> = {
  one: [1], two: [2], three: [3], four: [4], five: [5], six: [6], seven: [7], eight: [8], nine: [9], ten: [10],
  eleven: [11], twelve: [12], twenty: [20], thirty: [30], forty: [40], fifty: [50], hundred: [100], thousand: [1000],
  half: [0.5, 2], twice: [2], double: [2], triple: [3], quarter: [0.25, 4], third: [3], dozen: [12], percent: [100],
};
const WORD = /[a-z]+/g;

const extracted = new Map<string, readonly number[]>();
const EXTRACTED_LIMIT = 4096;

/** extractNumbers, remembered per text: every step of a trajectory rereads the same question and results. */
function extractNumbersOnce(text: string): readonly number[] {
  let values = extracted.get(text);
  if (values === undefined) {
    if (extracted.size >= EXTRACTED_LIMIT) extracted.clear();
    values = extractNumbers(text);
    extracted.set(text, values);
  }
  return values;
}

/** Numbers written in a text, digits and common number words; a percentage also yields its fraction. */
export function extractNumbers(text: string): number[] {
  const values: number[] = [];
  for (const match of text.replace(NUMBER_TOKEN, '$1').matchAll(NUMBER)) {
    const value = Number(match[0].replace('%', '').trim());
    if (!Number.isFinite(value)) continue;
    values.push(value, Math.abs(value));
    if (match[1]) values.push(value / 100);
  }
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const words = NUMBER_WORDS[match[0]];
    if (words) values.push(...words);
  }
  return values;
}

/**
 * Values equal up to float noise (0.1 + 0.2 and 0.3) share a key: six decimals below a million (the
 * common case, and cheap), nine significant digits above.
 */
function keyOf(value: number): number {
  return Math.abs(value) < 1e6 ? Math.round(value * 1e6) : Number(value.toPrecision(9));
}

/** A set of known numbers with tolerant membership and one-operation derivability. */
export class KnownNumbers {
  private readonly keys = new Set<number>();
  private readonly values: number[] = [];

  constructor(values: Iterable<number> = []) {
    for (const value of values) this.add(value);
  }

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    const key = keyOf(value);
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.values.push(value);
  }

  get size(): number {
    return this.values.length;
  }

  has(value: number): boolean {
    return Number.isFinite(value) && this.keys.has(keyOf(value));
  }

  /** True when `value` is known, or is a + b, a − b, a × b or a ÷ b for known a and b. */
  derives(value: number): boolean {
    if (this.has(value)) return true;
    for (const a of this.values) {
      if (this.has(value - a) || this.has(a - value)) return true;
      if (a !== 0 && (this.has(value / a) || this.has(value * a))) return true;
      if (value !== 0 && this.has(a / value)) return true;
    }
    return false;
  }
}

/** The result part of a "QUERY -> RESULT" tool message: the query is the model's own writing, not evidence. */
export function resultOfToolMessage(content: string): string {
  const arrow = content.indexOf(' -> ');
  return arrow >= 0 ? content.slice(arrow + 4) : content;
}

/**
 * Known numbers of a context: the prompt's user message(s) and the results of earlier tool calls; never
 * system text, the model's own outputs, or the queries it wrote.
 */
export function collectContextNumbers(context: readonly Message[]): KnownNumbers {
  const known = new KnownNumbers();
  let afterModel = false;
  for (const message of context) {
    if (message.role === 'assistant') afterModel = true;
    if (message.role !== 'user') continue;
    const text = afterModel ? resultOfToolMessage(message.content) : message.content;
    for (const value of extractNumbersOnce(text)) known.add(value);
  }
  return known;
}

/**
 * Numbers the trajectory has itself derived: those in the results of earlier tool calls only (the question's
 * own numbers are givens, not progress along a chain).
 */
export function collectResultNumbers(context: readonly Message[]): KnownNumbers {
  const derived = new KnownNumbers();
  let afterModel = false;
  for (const message of context) {
    if (message.role === 'assistant') afterModel = true;
    else if (message.role === 'user' && afterModel) for (const value of extractNumbersOnce(resultOfToolMessage(message.content))) derived.add(value);
  }
  return derived;
}
