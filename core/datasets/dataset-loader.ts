// Streams a dataset source line by line into validated rows, corpus documents and per-line errors.
import { CorpusDocument, DatasetFormat, DatasetRow, DatasetRowSchema, describeIssues, parseJsonLine } from '../schemas';
import type { FieldMapping } from './dataset-record';
import { LoaderFormat, parseValue } from './dataset-formats';
import type { LineSource } from './line-source';
import { checkRowSize } from './row-size-limit';
import { shortenForDisplay } from './shorten-for-display';

/** A line (or item of a line) that did not become a row: counted and reported, never dropped silently. */
export interface DatasetLineError {
  line: number;
  error: string;
}

export type DatasetEntry =
  | { line: number; row: DatasetRow; documents: CorpusDocument[]; error?: undefined }
  | { line: number; error: string; row?: undefined; documents?: undefined };

export interface DatasetLoadOptions {
  /** Field mapping for format "jsonl". */
  fields?: FieldMapping;
}

/** Every row or error of a source, in file order; holds one line (plus the set of seen ids) at a time. */
export async function* streamDataset(format: LoaderFormat, source: LineSource, options: DatasetLoadOptions = {}): AsyncGenerator<DatasetEntry> {
  const seenIds = new Map<string, number>();
  for await (const { line, text } of source()) {
    if (text.trim() === '') continue;
    const parsed = parseJsonLine(text);
    if (parsed.error !== undefined) {
      yield { line, error: parsed.error };
      continue;
    }
    for (const outcome of parseValue(format, parsed.value, { line, position: String(line), fields: options.fields })) {
      const prefix = outcome.item === undefined ? '' : `item ${outcome.item}: `;
      if ('error' in outcome) {
        yield { line, error: prefix + outcome.error };
        continue;
      }
      const checked = DatasetRowSchema.safeParse(outcome.record.row);
      if (!checked.success) {
        yield { line, error: prefix + describeIssues(checked.error, outcome.record.row).join('; ') };
        continue;
      }
      const tooLarge = checkRowSize(checked.data);
      if (tooLarge !== null) {
        yield { line, error: prefix + tooLarge };
        continue;
      }
      const firstLine = seenIds.get(checked.data.id);
      if (firstLine !== undefined) {
        yield { line, error: `${prefix}$.id: expected a unique id, received ${JSON.stringify(checked.data.id)} again (first on line ${firstLine})` };
        continue;
      }
      seenIds.set(checked.data.id, line);
      yield { line, row: checked.data, documents: outcome.record.documents };
    }
  }
}

/** The corpus documents of a source, each id once (first occurrence wins), in file order. */
export async function* streamCorpus(format: LoaderFormat, source: LineSource, options: DatasetLoadOptions = {}): AsyncGenerator<CorpusDocument> {
  const seen = new Set<string>();
  for await (const entry of streamDataset(format, source, options)) {
    for (const document of entry.documents ?? []) {
      if (seen.has(document.id)) continue;
      seen.add(document.id);
      yield document;
    }
  }
}

export interface LoadedDataset {
  rows: DatasetRow[];
  corpus: CorpusDocument[];
  errors: DatasetLineError[];
}

/** Loads a whole source into memory: for small files and tests; pipelines use streamDataset. */
export async function loadDataset(format: LoaderFormat, source: LineSource, options: DatasetLoadOptions = {}): Promise<LoadedDataset> {
  const loaded: LoadedDataset = { rows: [], corpus: [], errors: [] };
  const seen = new Set<string>();
  for await (const entry of streamDataset(format, source, options)) {
    if (entry.error !== undefined) {
      loaded.errors.push({ line: entry.line, error: entry.error });
      continue;
    }
    loaded.rows.push(entry.row);
    for (const document of entry.documents) {
      if (!seen.has(document.id)) loaded.corpus.push(document);
      seen.add(document.id);
    }
  }
  return loaded;
}

/** How many per-line errors and flagged steps a summary lists; the counts cover them all. */
export const LISTED_PROBLEMS = 100;

/** A gold step loaded with its question but flagged: the calculator could not confirm it. */
export interface UnverifiableStep {
  line: number;
  id: string;
  expression: string;
  reason: string;
}

export interface DatasetSummary {
  format: DatasetFormat;
  rows: number;
  malformedLines: number;
  /** The first LISTED_PROBLEMS of the malformedLines errors. */
  errors: DatasetLineError[];
  rowsWithUnverifiableSteps: number;
  unverifiableSteps: number;
  /** The first LISTED_PROBLEMS of the unverifiableSteps. */
  unverifiable: UnverifiableStep[];
  /** The first row, with long strings shortened for display. */
  sample: DatasetRow | null;
  corpusDocuments: number;
}

/** Counts rows, flagged steps, distinct corpus documents and errors without keeping the rows. */
export async function summarizeDataset(format: DatasetFormat, source: LineSource, options: DatasetLoadOptions = {}): Promise<DatasetSummary> {
  const summary: DatasetSummary = {
    format, rows: 0, malformedLines: 0, errors: [], rowsWithUnverifiableSteps: 0, unverifiableSteps: 0, unverifiable: [], sample: null, corpusDocuments: 0,
  };
  const seen = new Set<string>();
  for await (const entry of streamDataset(format, source, options)) {
    if (entry.error !== undefined) {
      summary.malformedLines += 1;
      if (summary.errors.length < LISTED_PROBLEMS) summary.errors.push({ line: entry.line, error: shortenForDisplay(entry.error) });
      continue;
    }
    summary.rows += 1;
    summary.sample ??= shortenForDisplay(entry.row);
    const flagged = entry.row.goldCalculations.filter((calculation) => calculation.unverifiable !== undefined);
    if (flagged.length > 0) summary.rowsWithUnverifiableSteps += 1;
    summary.unverifiableSteps += flagged.length;
    for (const step of flagged) {
      if (summary.unverifiable.length < LISTED_PROBLEMS) summary.unverifiable.push({ line: entry.line, id: entry.row.id, expression: step.expression, reason: step.unverifiable! });
    }
    for (const document of entry.documents) seen.add(document.id);
  }
  summary.corpusDocuments = seen.size;
  return summary;
}
