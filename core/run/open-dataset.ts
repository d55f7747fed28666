// Opens a config's dataset reference as two re-readable streams: rows (with per-line errors) and corpus documents.
import { DatasetEntry, fileLineSource, LineSource, LoaderFormat, streamCorpus, streamDataset } from '../datasets';
import { CorpusDocument, CorpusDocumentSchema, DatasetRef, DatasetRowSchema, describeIssues } from '../schemas';
import { datasetKeys, ObjectStore } from '../store';
import { BUILTIN_DEFAULT_COUNT, generateBuiltinTasks } from './builtin-tasks';
import { describeSource, parseDatasetSource } from './dataset-source';
import { s3LineSource } from './s3-line-source';

export interface OpenedDataset {
  /** Human-readable location, for messages. */
  location: string;
  rows(): AsyncIterable<DatasetEntry>;
  corpus(): AsyncIterable<CorpusDocument>;
}

export interface OpenOptions {
  allowLocalFiles?: boolean;
}

/** The same ObjectStore pointed at another bucket (an s3:// source outside the run bucket). */
export function objectsInBucket(objects: ObjectStore, bucket: string | null): ObjectStore {
  return bucket === null || bucket === objects.bucket ? objects : new ObjectStore({ ...objects.settings, bucket }, objects.client);
}

function openLines(location: string, format: LoaderFormat, lines: LineSource, reference: DatasetRef): OpenedDataset {
  return {
    location,
    rows: () => streamDataset(format, lines, { fields: reference.fields }),
    corpus: () => streamCorpus(format, lines, { fields: reference.fields }),
  };
}

async function* readCorpusObject(objects: ObjectStore, key: string): AsyncGenerator<CorpusDocument> {
  if (!(await objects.exists(key))) return;
  for await (const entry of objects.readJsonLines(key, CorpusDocumentSchema)) {
    if (entry.error !== undefined) throw new Error(`s3://${objects.bucket}/${key} line ${entry.line}: ${entry.error}`);
    yield entry.value;
  }
}

export function openDataset(reference: DatasetRef, objects: ObjectStore, options: OpenOptions = {}): OpenedDataset {
  const source = parseDatasetSource(reference.source, { allowLocalFiles: options.allowLocalFiles, split: reference.split });
  const location = describeSource(source, objects.bucket);
  switch (source.kind) {
    case 'local-file':
      return openLines(location, reference.format, fileLineSource(source.path), reference);
    case 'object': {
      const bucketObjects = objectsInBucket(objects, source.bucket);
      return openLines(location, reference.format, s3LineSource(bucketObjects, source.key), reference);
    }
    case 'imported': {
      // Imported rows are already normalized, whatever format they were imported from.
      const keys = datasetKeys(source.name);
      const opened = openLines(location, 'normalized', s3LineSource(objects, keys.questions), reference);
      return { ...opened, corpus: () => readCorpusObject(objects, keys.corpus) };
    }
    case 'builtin': {
      let generated: ReturnType<typeof generateBuiltinTasks> | null = null;
      const generate = () => (generated ??= generateBuiltinTasks(source.family, source.split, reference.limit ?? BUILTIN_DEFAULT_COUNT));
      return {
        location,
        rows: async function* generatedRows() {
          let line = 0;
          // Generated rows are checked like any other source: a generator bug shows up as row errors.
          for (const candidate of generate().rows) {
            line += 1;
            const checked = DatasetRowSchema.safeParse(candidate);
            if (checked.success) yield { line, row: checked.data, documents: [] };
            else yield { line, error: describeIssues(checked.error, candidate).join('; ') };
          }
        },
        corpus: async function* generatedCorpus() {
          yield* generate().corpus;
        },
      };
    }
  }
}

/** A corpus given on its own (tools.search.corpus): CorpusDocument JSONL at a key, an s3:// URL, or an imported dataset's corpus. */
export function openCorpus(source: string, objects: ObjectStore, options: OpenOptions = {}): AsyncIterable<CorpusDocument> {
  const parsed = parseDatasetSource(source, { allowLocalFiles: options.allowLocalFiles });
  switch (parsed.kind) {
    case 'imported': return readCorpusObject(objects, datasetKeys(parsed.name).corpus);
    case 'object': return readCorpusObject(objectsInBucket(objects, parsed.bucket), parsed.key);
    case 'local-file': return streamCorpusFile(parsed.path);
    case 'builtin': return fromList(() => generateBuiltinTasks(parsed.family, parsed.split, BUILTIN_DEFAULT_COUNT).corpus);
  }
}

async function* fromList<T>(list: () => T[]): AsyncGenerator<T> {
  yield* list();
}

async function* streamCorpusFile(path: string): AsyncGenerator<CorpusDocument> {
  for await (const { line, text } of fileLineSource(path)()) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`${path} line ${line}: expected a JSON corpus document, received unparseable text (${(error as Error).message})`);
    }
    const parsed = CorpusDocumentSchema.safeParse(value);
    if (!parsed.success) throw new Error(`${path} line ${line}: ${describeIssues(parsed.error, value).join('; ')}`);
    yield parsed.data;
  }
}
