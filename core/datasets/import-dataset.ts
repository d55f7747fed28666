// Normalizes a dataset file into datasets/<name>/{questions.jsonl, corpus.jsonl, manifest.json}; an unchanged file is a no-op.
import { basename } from 'node:path';
import { z } from 'zod';
import { DatasetFormat, DatasetFormatSchema, DatasetRow, FieldMappingSchema } from '../schemas';
import { datasetKeys, ObjectStore } from '../store';
import type { FieldMapping } from './dataset-record';
import { DatasetEntry, DatasetLineError, streamCorpus, streamDataset } from './dataset-loader';
import { hashFile } from './file-digest';
import { fileLineSource } from './line-source';

/** Bumped when normalization changes, so re-importing the same file then rewrites it. */
export const NORMALIZER_VERSION = 2;
const KEPT_ERRORS = 100;

export const DatasetManifestSchema = z.strictObject({
  name: z.string(),
  format: DatasetFormatSchema,
  sourceFile: z.string().describe('Base name of the imported file.'),
  sourceSha256: z.string(),
  fields: FieldMappingSchema.nullable(),
  normalizerVersion: z.number().int(),
  questions: z.number().int().nonnegative(),
  corpusDocuments: z.number().int().nonnegative(),
  malformedLines: z.number().int().nonnegative(),
  unverifiableSteps: z.number().int().nonnegative().default(0).describe('Gold steps kept but flagged: the calculator could not confirm them.'),
  errors: z.array(z.strictObject({ line: z.number().int(), error: z.string() })).describe(`The first ${KEPT_ERRORS} malformed lines.`),
  importedAt: z.string(),
});
export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;

export interface ImportRequest {
  format: DatasetFormat;
  path: string;
  name: string;
  fields?: FieldMapping;
}

export interface ImportResult {
  status: 'imported' | 'unchanged';
  manifest: DatasetManifest;
}

async function* validRows(entries: AsyncIterable<DatasetEntry>, errors: DatasetLineError[], flagged: { steps: number }): AsyncGenerator<DatasetRow> {
  for await (const entry of entries) {
    if (entry.error !== undefined) {
      errors.push({ line: entry.line, error: entry.error });
      continue;
    }
    flagged.steps += entry.row.goldCalculations.filter((calculation) => calculation.unverifiable !== undefined).length;
    yield entry.row;
  }
}

export async function importDataset(objects: ObjectStore, request: ImportRequest): Promise<ImportResult> {
  const keys = datasetKeys(request.name);
  const fields = request.fields ? FieldMappingSchema.parse(request.fields) : null;
  const sourceSha256 = await hashFile(request.path);
  const previous = await objects.getJson(keys.manifest, DatasetManifestSchema).catch(() => null);
  const same = previous !== null
    && previous.sourceSha256 === sourceSha256
    && previous.format === request.format
    && previous.normalizerVersion === NORMALIZER_VERSION
    && JSON.stringify(previous.fields) === JSON.stringify(fields);
  if (same && await objects.exists(keys.questions)) return { status: 'unchanged', manifest: previous };

  const lines = fileLineSource(request.path);
  const options = { fields: fields ?? undefined };
  const errors: DatasetLineError[] = [];
  const flagged = { steps: 0 };
  const questions = await objects.putJsonLines(keys.questions, validRows(streamDataset(request.format, lines, options), errors, flagged));
  const corpusDocuments = await objects.putJsonLines(keys.corpus, streamCorpus(request.format, lines, options));
  // Only formats that carry passages get a corpus object; an empty one would shadow a corpus set elsewhere.
  if (corpusDocuments === 0) await objects.delete(keys.corpus);
  const manifest: DatasetManifest = {
    name: request.name,
    format: request.format,
    sourceFile: basename(request.path),
    sourceSha256,
    fields,
    normalizerVersion: NORMALIZER_VERSION,
    questions,
    corpusDocuments,
    malformedLines: errors.length,
    unverifiableSteps: flagged.steps,
    errors: errors.slice(0, KEPT_ERRORS),
    importedAt: new Date().toISOString(),
  };
  // The manifest goes last: a half-finished import is never mistaken for a complete one.
  await objects.putJson(keys.manifest, manifest);
  return { status: 'imported', manifest };
}
