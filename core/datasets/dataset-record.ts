// What a format parser turns one source record into: a dataset row plus the corpus documents it carries.
import type { z } from 'zod';
import type { CorpusDocument, DatasetRowSchema, FieldMappingSchema } from '../schemas';

export type DatasetRowInput = z.input<typeof DatasetRowSchema>;
export type FieldMapping = z.input<typeof FieldMappingSchema>;

export interface ParsedRecord {
  row: DatasetRowInput;
  documents: CorpusDocument[];
}

export interface ParseContext {
  /** 1-based line of the record in its file. */
  line: number;
  /** "12", or "1-37" for item 37 of a one-line release document: the id of rows whose format carries none. */
  position: string;
  /** Field mapping for the generic "jsonl" format. */
  fields?: FieldMapping;
}

/** Parses one JSON value; throws RecordError (with a JSON path) when it cannot. */
export type RecordParser = (value: unknown, context: ParseContext) => ParsedRecord[];
