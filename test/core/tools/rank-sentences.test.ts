// Sentence ranking inside a search hit: the sentence that shares the query's phrase comes first, nothing is dropped.
import { CorpusDocument } from '../../../core/schemas';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { rankSentences, splitIntoSentences } from '../../../core/tools/rank-sentences';
import { createSearchTool } from '../../../core/tools/search-tool';

const documents: CorpusDocument[] = [
  { id: 'mirel', title: 'Mirel Records', text: 'Mirel Records is a record label. Mirel Records home city: Tarvo. Mirel Records founder: Dora Velkin.' },
  { id: 'dora', title: 'Dora Velkin', text: 'Dora Velkin is a singer. Dora Velkin birthplace: Tarvo. Dora Velkin employer: Mirel Records.' },
  { id: 'tarvo', title: 'Tarvo', text: 'Tarvo is a city. Tarvo region: Kelm Valley.' },
];

describe('rankSentences', () => {
  const index = Bm25Index.build(documents, { key: 'ranked', etag: null });

  it('puts the sentence sharing the longest phrase with the query first, ahead of one matching more scattered words', () => {
    const query = 'Mirel Records founder home city';
    // The home-city line holds more query words, but "Mirel Records founder" is the longer unbroken run.
    const ranked = rankSentences(documents[0].text, query, index.weighTerms(query));
    expect(splitIntoSentences(ranked)).toEqual([
      'Mirel Records founder: Dora Velkin.',
      'Mirel Records home city: Tarvo.',
      'Mirel Records is a record label.',
    ]);
    const subquestion = 'the home city of the founder of Mirel Records';
    // Without a longer phrase to prefer, the line with more query weight wins.
    expect(splitIntoSentences(rankSentences(documents[0].text, subquestion, index.weighTerms(subquestion)))[0]).toBe('Mirel Records home city: Tarvo.');
  });

  it('keeps document order when no sentence matches better, and keeps every sentence', () => {
    const query = 'Dora Velkin';
    expect(rankSentences(documents[1].text, query, index.weighTerms(query))).toBe(documents[1].text);
    const other = 'Dora Velkin birthplace region';
    const ranked = rankSentences(documents[1].text, other, index.weighTerms(other));
    expect(splitIntoSentences(ranked)[0]).toBe('Dora Velkin birthplace: Tarvo.');
    expect([...splitIntoSentences(ranked)].sort()).toEqual([...splitIntoSentences(documents[1].text)].sort());
  });

  it('leaves a text untouched when the query has no known terms or the text has one sentence', () => {
    expect(rankSentences(documents[2].text, 'qqqq', index.weighTerms('qqqq'))).toBe(documents[2].text);
    expect(rankSentences('One sentence only.', 'sentence', new Map([['sentence', 1]]))).toBe('One sentence only.');
  });

  it('is how the search tool writes a hit unless the document order is asked for', async () => {
    const query = 'Mirel Records founder';
    expect(await createSearchTool(index).execute(query)).toBe('Mirel Records: Mirel Records founder: Dora Velkin. Mirel Records is a record label. Mirel Records home city: Tarvo.');
    expect(await createSearchTool(index, 1, 'document').execute(query)).toBe(`Mirel Records: ${documents[0].text}`);
  });
});
