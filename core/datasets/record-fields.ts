// Small readers for fields of a parsed JSON record that fail with "expected X, received Y" messages.
import { describeReceived } from '../schemas/validation-error';

/** A record that cannot become a dataset row; the loader reports it with its line number. */
export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

export type JsonObject = Record<string, unknown>;

/** Dataset messages quote shorter strings than config errors: a row's field can be a whole paragraph. */
export function describeValue(value: unknown): string {
  return describeReceived(value, 40);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, where = 'the line'): JsonObject {
  if (!isObject(value)) throw new RecordError(`${where}: expected a JSON object, received ${describeValue(value)}`);
  return value;
}

/** A non-empty string field; numbers are accepted and turned into text (ids and answers often are numbers). */
export function requireText(record: JsonObject, key: string): string {
  const value = record[key];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new RecordError(`$.${key}: expected a non-empty string, received ${describeValue(value)}`);
  }
  return value;
}

export function optionalText(record: JsonObject, key: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new RecordError(`$.${key}: expected a string, received ${describeValue(value)}`);
  return value;
}

export function requireArray(record: JsonObject, key: string): unknown[] {
  const value = record[key];
  if (!Array.isArray(value)) throw new RecordError(`$.${key}: expected an array, received ${describeValue(value)}`);
  return value;
}

/** A list of strings, or a single string treated as a list of one; missing means empty. */
export function optionalTextList(record: JsonObject, key: string): string[] {
  const value = record[key];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string' || typeof value === 'number') return [String(value)];
  if (!Array.isArray(value)) throw new RecordError(`$.${key}: expected a list of strings, received ${describeValue(value)}`);
  return value.map((item, index) => {
    if (typeof item === 'string' || typeof item === 'number') return String(item);
    throw new RecordError(`$.${key}[${index}]: expected a string, received ${describeValue(item)}`);
  });
}

/** The first present key among `keys`, so loaders accept the spellings different releases use. */
export function firstPresent(record: JsonObject, keys: readonly string[]): string | undefined {
  return keys.find((key) => record[key] !== undefined && record[key] !== null);
}

/** Reads a dotted path ("meta.id") from a record. */
export function valueAtPath(record: JsonObject, path: string): unknown {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}
