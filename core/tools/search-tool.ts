// The search tool: BM25 retrieval over a corpus index, returning the best documents' titles and text.
import { Bm25Index } from './bm25-index';
import { rankSentences } from './rank-sentences';
import { Tool } from './tool';

export const MAX_SEARCH_QUERY_LENGTH = 1000;

/** How a returned document's sentences are ordered: best match to the query first, or as written. */
export type SentenceOrder = 'relevance' | 'document';

export function formatSearchResult(index: Bm25Index, query: string, topK: number, sentenceOrder: SentenceOrder = 'relevance'): string {
  const hits = index.search(query, topK);
  if (hits.length === 0) return 'No matching documents.';
  const weights = index.weighTerms(query);
  const textOf = (text: string) => (sentenceOrder === 'relevance' ? rankSentences(text, query, weights) : text);
  return hits.map((hit) => `${hit.document.title}: ${textOf(hit.document.text)}`).join('\n\n');
}

export function createSearchTool(index: Bm25Index, topK = 1, sentenceOrder: SentenceOrder = 'relevance'): Tool {
  return {
    name: 'search',
    tag: 'search_query',
    description: `searches the document collection and returns the ${topK === 1 ? 'best matching document' : `${topK} best matching documents`}.`,
    async execute(input: string): Promise<string> {
      if (input.length > MAX_SEARCH_QUERY_LENGTH) return `Error: query too long: at most ${MAX_SEARCH_QUERY_LENGTH} characters, received ${input.length}`;
      return formatSearchResult(index, input, topK, sentenceOrder);
    },
  };
}
