// The parser for each dataset format, and the release-file wrappers ({"data":[…]}, one big array) unwrapped before parsing.
import type { DatasetFormat } from '../schemas';
import { parseBeerqaRecord } from './beerqa-format';
import { parseCofcaRecord } from './cofca-format';
import type { ParseContext, ParsedRecord, RecordParser } from './dataset-record';
import { parseGsm8kRecord } from './gsm8k-format';
import { parseHotpotqaRecord } from './hotpotqa-format';
import { parseJsonlRecord } from './jsonl-format';
import { parseMusiqueRecord } from './musique-format';
import { parseNormalizedRecord } from './normalized-format';
import { isObject } from './record-fields';

/** A source format, or "normalized" for rows already in the DatasetRow shape (imported datasets). */
export type LoaderFormat = DatasetFormat | 'normalized';

export const FORMAT_PARSERS: Record<LoaderFormat, RecordParser> = {
  gsm8k: parseGsm8kRecord,
  hotpotqa: parseHotpotqaRecord,
  musique: parseMusiqueRecord,
  beerqa: parseBeerqaRecord,
  cofca: parseCofcaRecord,
  jsonl: parseJsonlRecord,
  hop: parseNormalizedRecord,
  arith: parseNormalizedRecord,
  normalized: parseNormalizedRecord,
};

/**
 * Some releases (BeerQA, CofCA) ship one JSON document holding a list instead of JSON Lines. When a
 * line is such a wrapper, each item is parsed as a record of its own; item errors keep the line number.
 */
export function unwrapReleaseDocument(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (isObject(value) && Array.isArray(value.data) && value.question === undefined) return value.data;
  return null;
}

export type RecordOutcome = { record: ParsedRecord; item?: number } | { error: string; item?: number };

/** Runs a format's parser over one JSON value, collecting each item's record or error. */
export function parseValue(format: LoaderFormat, value: unknown, context: ParseContext): RecordOutcome[] {
  const parser = FORMAT_PARSERS[format];
  const items = format === 'beerqa' || format === 'cofca' || format === 'jsonl' ? unwrapReleaseDocument(value) : null;
  const run = (item: unknown, index?: number): RecordOutcome[] => {
    try {
      const position = index === undefined ? context.position : `${context.position}-${index}`;
      return parser(item, { ...context, position }).map((record) => ({ record, item: index }));
    } catch (error) {
      return [{ error: (error as Error).message, item: index }];
    }
  };
  // An empty release document is reported: a line that yields neither rows nor errors would vanish silently.
  if (items?.length === 0) return [{ error: 'expected a list of records, received an empty list' }];
  return items ? items.flatMap((item, index) => run(item, index)) : run(value);
}
