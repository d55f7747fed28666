// The search index stored beside its corpus in S3 and cached in memory.
import { clearSearchIndexCache, indexKeyFor, indexLoadStatistics, loadSearchIndex } from '../../../core/tools/search-index-cache';
import { createToolRegistry } from '../../../core/tools/create-tool-registry';
import { RunConfigSchema } from '../../../core/schemas';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

const corpusLines = (documents: Array<{ id: string; title: string; text: string }>) => documents.map((document) => JSON.stringify(document)).join('\n');

describe('search index in S3', () => {
  const s3 = useEmbeddedObjectStore();
  beforeEach(() => clearSearchIndexCache());

  it('builds the index once, stores it next to the corpus, and reuses it from memory and from S3', async () => {
    const key = 'runs/r1/corpus/corpus.jsonl';
    await s3.objects.putText(key, corpusLines([
      { id: 'tulsa', title: 'Tulsa', text: 'A city in Oklahoma.' },
      { id: 'tulsa', title: 'Tulsa', text: 'A duplicate line of the same document.' },
      { id: 'paris', title: 'Paris', text: 'The capital of France.' },
    ]));
    const before = { ...indexLoadStatistics };
    const first = await loadSearchIndex(s3.objects, key);
    expect(indexKeyFor(key)).toBe('runs/r1/corpus/corpus.bm25.json');
    expect(await s3.objects.exists('runs/r1/corpus/corpus.bm25.json')).toBe(true);
    expect(first.size).toBe(2);
    expect(first.search('capital France', 1)[0].document.id).toBe('paris');
    expect(await loadSearchIndex(s3.objects, key)).toBe(first);
    clearSearchIndexCache();
    const fromStore = await loadSearchIndex(s3.objects, key);
    expect(fromStore).not.toBe(first);
    expect(fromStore.search('Oklahoma', 1)[0].document.id).toBe('tulsa');
    expect(indexLoadStatistics.built - before.built).toBe(1);
    expect(indexLoadStatistics.servedFromMemory - before.servedFromMemory).toBe(1);
    expect(indexLoadStatistics.loadedFromStore - before.loadedFromStore).toBe(1);
  });

  it('rebuilds when the corpus changes', async () => {
    const key = 'runs/r2/corpus/corpus.jsonl';
    await s3.objects.putText(key, corpusLines([{ id: 'a', title: 'Alpha', text: 'first letter' }]));
    expect((await loadSearchIndex(s3.objects, key)).size).toBe(1);
    await s3.objects.putText(key, corpusLines([{ id: 'a', title: 'Alpha', text: 'first letter' }, { id: 'b', title: 'Beta', text: 'second letter' }]));
    expect((await loadSearchIndex(s3.objects, key)).size).toBe(2);
    clearSearchIndexCache();
    expect((await loadSearchIndex(s3.objects, key)).size).toBe(2);
  });

  it('names the missing corpus and the bad line', async () => {
    await expect(loadSearchIndex(s3.objects, 'runs/r3/corpus/missing.jsonl')).rejects.toThrow(/runs\/r3\/corpus\/missing.jsonl does not exist/);
    await s3.objects.putText('runs/r3/corpus/bad.jsonl', '{"id":"a","title":"A","text":"ok"}\n{"id":"b","title":"B"}\n');
    await expect(loadSearchIndex(s3.objects, 'runs/r3/corpus/bad.jsonl')).rejects.toThrow(/line 2: \$\.text: expected string/);
  });

  it('gives a run the tools its config enables', async () => {
    await s3.objects.putText('runs/r4/corpus/corpus.jsonl', corpusLines([{ id: 'tulsa', title: 'Tulsa', text: 'A city in Oklahoma.' }]));
    const base = { runId: 'r4', dataset: { source: 'x', format: 'hotpotqa' }, policy: { provider: 'scripted', responses: ['<answer>x</answer>'] } };
    const qa = await createToolRegistry(RunConfigSchema.parse(base), s3.objects);
    expect(qa.tags()).toEqual(['search_query', 'math_exp']);
    expect(await qa.findByTag('search_query')!.execute('Oklahoma city')).toBe('Tulsa: A city in Oklahoma.');
    const math = await createToolRegistry(RunConfigSchema.parse({ ...base, runId: 'r5' }), s3.objects);
    expect(math.tags()).toEqual(['math_exp']);
    const noCalculator = await createToolRegistry(RunConfigSchema.parse({ ...base, tools: { calculator: { enabled: false }, search: { topK: 2 } } }), s3.objects);
    expect(noCalculator.tags()).toEqual(['search_query']);
    const explicit = RunConfigSchema.parse({ ...base, runId: 'r5', tools: { search: { corpus: 'datasets/none/corpus.jsonl' } } });
    await expect(createToolRegistry(explicit, s3.objects)).rejects.toThrow(/datasets\/none\/corpus.jsonl does not exist/);
    const viaUrl = RunConfigSchema.parse({ ...base, runId: 'r5', tools: { search: { corpus: `s3://${s3.objects.bucket}/runs/r4/corpus/corpus.jsonl` } } });
    expect((await createToolRegistry(viaUrl, s3.objects)).tags()).toContain('search_query');
  });
});
