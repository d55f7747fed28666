// Loads the BM25 index of a corpus in S3: from memory when warm, else from its stored index, else built once and stored.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { CorpusDocument, CorpusDocumentSchema } from '../schemas/dataset-row';
import { ObjectStore } from '../store/object-store';
import { Bm25Index, Bm25IndexData, BM25_INDEX_VERSION } from './bm25-index';

// Module-level on purpose: a warm Lambda container answers later invocations without reloading the index.
const cache = new Map<string, { etag: string | null; index: Promise<Bm25Index> }>();

export interface IndexLoadStatistics {
  built: number;
  loadedFromStore: number;
  servedFromMemory: number;
}

export const indexLoadStatistics: IndexLoadStatistics = { built: 0, loadedFromStore: 0, servedFromMemory: 0 };

/** The index lives next to its corpus: `corpus.jsonl` → `corpus.bm25.json`. */
export function indexKeyFor(corpusKey: string): string {
  return `${corpusKey.replace(/\.jsonl$/, '')}.bm25.json`;
}

/** Drops every in-memory index (tests, or a process that wants to free memory). */
export function clearSearchIndexCache(): void {
  cache.clear();
}

async function readCorpusEtag(objects: ObjectStore, corpusKey: string): Promise<string | null> {
  try {
    const head = await objects.client.send(new HeadObjectCommand({ Bucket: objects.bucket, Key: corpusKey }));
    return head.ETag ?? null;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error as Error).name === 'NotFound') {
      throw new Error(`search corpus s3://${objects.bucket}/${corpusKey} does not exist: expected a CorpusDocument JSON Lines object`);
    }
    throw error;
  }
}

async function readCorpus(objects: ObjectStore, corpusKey: string): Promise<CorpusDocument[]> {
  const documents: CorpusDocument[] = [];
  const seen = new Set<string>();
  for await (const entry of objects.readJsonLines(corpusKey, CorpusDocumentSchema)) {
    if (entry.error !== undefined) throw new Error(`search corpus s3://${objects.bucket}/${corpusKey} line ${entry.line}: ${entry.error}`);
    if (seen.has(entry.value.id)) continue;
    seen.add(entry.value.id);
    documents.push(entry.value);
  }
  return documents;
}

async function loadOrBuild(objects: ObjectStore, corpusKey: string, etag: string | null): Promise<Bm25Index> {
  const indexKey = indexKeyFor(corpusKey);
  const stored = await objects.getText(indexKey);
  if (stored !== null) {
    try {
      const data = JSON.parse(stored) as Bm25IndexData;
      if (data.version === BM25_INDEX_VERSION && data.source?.key === corpusKey && data.source.etag === etag) {
        indexLoadStatistics.loadedFromStore += 1;
        return new Bm25Index(data);
      }
    } catch {
      // An unreadable stored index is rebuilt below and overwritten.
    }
  }
  const index = Bm25Index.build(await readCorpus(objects, corpusKey), { key: corpusKey, etag });
  await objects.putText(indexKey, JSON.stringify(index.data), 'application/json');
  indexLoadStatistics.built += 1;
  return index;
}

/** The index for a corpus key in the store's bucket; a changed corpus (new ETag) gets a fresh index. */
export async function loadSearchIndex(objects: ObjectStore, corpusKey: string): Promise<Bm25Index> {
  const cacheKey = `${objects.settings.endpoint ?? 'aws'}|${objects.bucket}|${corpusKey}`;
  const etag = await readCorpusEtag(objects, corpusKey);
  const cached = cache.get(cacheKey);
  if (cached && cached.etag === etag) {
    indexLoadStatistics.servedFromMemory += 1;
    return cached.index;
  }
  const index = loadOrBuild(objects, corpusKey, etag);
  cache.set(cacheKey, { etag, index });
  index.catch(() => {
    if (cache.get(cacheKey)?.index === index) cache.delete(cacheKey);
  });
  return index;
}
