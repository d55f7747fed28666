// BM25 search index: tokenization, ranking, JSON round trips and result formatting.
import { readFileSync } from 'node:fs';
import { parseHotpotqaRecord } from '../../../core/datasets/hotpotqa-format';
import { CorpusDocument, DatasetRowSchema } from '../../../core/schemas';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { createSearchTool } from '../../../core/tools/search-tool';
import { tokenizeText } from '../../../core/tools/tokenize-text';
import { describeWithSharedData, sharedDataPath } from '../../support/shared-data';

const documents: CorpusDocument[] = [
  { id: 'ed-sullivan', title: 'Ed Sullivan', text: 'Edward Vincent Sullivan was an American television personality and columnist.' },
  { id: 'ed-sullivan-show', title: 'The Ed Sullivan Show (radio program)', text: 'The Ed Sullivan Show was a radio program hosted by Ed Sullivan, the host Ed Sullivan.' },
  { id: 'tulsa', title: 'Tulsa', text: 'Tulsa is the second-largest city in the state of Oklahoma.' },
  { id: 'tinted-windows', title: 'Tinted Windows (band)', text: 'Tinted Windows was a power pop supergroup. They played their first show in Tulsa.' },
];

describe('Bm25Index', () => {
  const index = Bm25Index.build(documents, { key: 'c.jsonl', etag: 'e1' });

  it('tokenizes to folded lowercase words without stopwords', () => {
    expect(tokenizeText('The Café in São Paulo, 1999!')).toEqual(['cafe', 'sao', 'paulo', '1999']);
  });

  it('ranks the document whose title is the query first', () => {
    expect(index.search('Ed Sullivan', 1)[0].document.id).toBe('ed-sullivan');
    expect(index.search('Ed Sullivan show radio', 1)[0].document.id).toBe('ed-sullivan-show');
  });

  it('ranks by content and returns k hits best first', () => {
    const hits = index.search('which city did the supergroup first play in', 2);
    expect(hits.map((hit) => hit.document.id)).toEqual(['tinted-windows', 'tulsa']);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
    expect(index.search('zzz unknown', 3)).toEqual([]);
  });

  it('gives the same results after a JSON round trip', () => {
    const restored = new Bm25Index(JSON.parse(JSON.stringify(index.data)));
    for (const query of ['Ed Sullivan', 'Tulsa Oklahoma', 'power pop']) expect(restored.search(query, 4)).toEqual(index.search(query, 4));
  });

  it('rejects an index of another version', () => {
    expect(() => new Bm25Index({ ...index.data, version: 99 })).toThrow(/expected version 1, received 99/);
  });

  it('formats results as title and text', async () => {
    expect(await createSearchTool(index).execute('Tulsa city')).toBe('Tulsa: Tulsa is the second-largest city in the state of Oklahoma.');
    expect(await createSearchTool(index, 2).execute('Ed Sullivan')).toContain('\n\n');
    expect(await createSearchTool(index).execute('qqqq')).toBe('No matching documents.');
  });
});

describeWithSharedData('BM25 search on HotPotQA dev', () => {
  const rows: Array<{ question: string; titles: string[] }> = [];
  const corpus = new Map<string, CorpusDocument>();
  readFileSync(sharedDataPath('hotpotqa/dev.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '').forEach((line, position) => {
    for (const record of parseHotpotqaRecord(JSON.parse(line), { line: position + 1, position: String(position + 1) })) {
      const row = DatasetRowSchema.parse(record.row);
      rows.push({ question: row.question, titles: [...new Set(row.supportingFacts.map((fact) => fact.title))] });
      for (const document of record.documents) if (!corpus.has(document.title)) corpus.set(document.title, document);
    }
  });
  const index = Bm25Index.build([...corpus.values()], { key: 'hotpotqa-dev', etag: null });

  it('finds each supporting title\'s paragraph at rank 1 for at least 95% of titles', () => {
    const titles = rows.flatMap((row) => row.titles);
    const found = titles.filter((title) => index.search(title, 1)[0]?.document.title === title).length;
    console.log(`search: title at rank 1 for ${found}/${titles.length} supporting titles (${((found / titles.length) * 100).toFixed(1)}%), corpus ${index.size} paragraphs`);
    expect(titles.length).toBeGreaterThanOrEqual(500);
    expect(found / titles.length).toBeGreaterThanOrEqual(0.95);
  });

  it('puts a gold paragraph in the top 5 for most question texts', () => {
    const found = rows.filter((row) => index.search(row.question, 5).some((hit) => row.titles.includes(hit.document.title))).length;
    console.log(`search: gold paragraph in top 5 for ${found}/${rows.length} questions (${((found / rows.length) * 100).toFixed(1)}%)`);
    expect(found / rows.length).toBeGreaterThan(0.8);
  });
});
