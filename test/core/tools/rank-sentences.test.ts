// Sentence ranking inside a search hit: the sentence that shares the query's phrase comes first, nothing is dropped.
import { CorpusDocument } from '../../../core/schemas';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { rankSentences, splitIntoSentences } from '../../../core/tools/rank-sentences';
import { createSearchTool } from '../../../core/tools/search-tool';

const documents: CorpusDocument[] = [
  { id: 'mirel', title: 'Mirel Records', text: 'Mirel Records is a record label. The home city of Mirel Records is Tarvo. The founder of Mirel Records is Dora Velkin.' },
  { id: 'dora', title: 'Dora Velkin', text: 'Dora Velkin is a singer. The birthplace of Dora Velkin is Tarvo. The employer of Dora Velkin is Mirel Records.' },
  { id: 'tarvo', title: 'Tarvo', text: 'Tarvo is a city. The region of Tarvo is Kelm Valley.' },
];

describe('rankSentences', () => {
  const index = Bm25Index.build(documents, { key: 'ranked', etag: null });

  it('puts the sentence holding the phrase next to the name first, ahead of one matching more scattered words', () => {
    const query = 'the home city of the founder of Mirel Records';
    // "home city" and "Mirel Records" both occur in the home-city sentence, but only as two separate runs.
    const ranked = rankSentences(documents[0].text, query, index.weighTerms(query));
    expect(splitIntoSentences(ranked)).toEqual([
      'The founder of Mirel Records is Dora Velkin.',
      'The home city of Mirel Records is Tarvo.',
      'Mirel Records is a record label.',
    ]);
  });

  it('keeps document order when no sentence matches better, and keeps every sentence', () => {
    const query = 'Dora Velkin';
    expect(rankSentences(documents[1].text, query, index.weighTerms(query))).toBe(documents[1].text);
    const other = 'the region of the birthplace of Dora Velkin';
    const ranked = rankSentences(documents[1].text, other, index.weighTerms(other));
    expect(splitIntoSentences(ranked)[0]).toBe('The birthplace of Dora Velkin is Tarvo.');
    expect([...splitIntoSentences(ranked)].sort()).toEqual([...splitIntoSentences(documents[1].text)].sort());
  });

  it('leaves a text untouched when the query has no known terms or the text has one sentence', () => {
    expect(rankSentences(documents[2].text, 'qqqq', index.weighTerms('qqqq'))).toBe(documents[2].text);
    expect(rankSentences('One sentence only.', 'sentence', new Map([['sentence', 1]]))).toBe('One sentence only.');
  });

  it('is how the search tool writes a hit unless the document order is asked for', async () => {
    const query = 'the founder of Mirel Records';
    expect(await createSearchTool(index).execute(query)).toBe('Mirel Records: The founder of Mirel Records is Dora Velkin. Mirel Records is a record label. The home city of Mirel Records is Tarvo.');
    expect(await createSearchTool(index, 1, 'document').execute(query)).toBe(`Mirel Records: ${documents[0].text}`);
  });
});
