// The search tool: BM25 retrieval over a corpus index, returning the best documents' titles and text.
import { Bm25Index } from './bm25-index';
import { Tool } from './tool';

export const MAX_SEARCH_QUERY_LENGTH = 1000;

export function formatSearchResult(index: Bm25Index, query: string, topK: number): string {
  const hits = index.search(query, topK);
  if (hits.length === 0) return 'No matching documents.';
  return hits.map((hit) => `${hit.document.title}: ${hit.document.text}`).join('\n\n');
}

export function createSearchTool(index: Bm25Index, topK = 1): Tool {
  return {
    name: 'search',
    tag: 'search_query',
    description: `searches the document collection and returns the ${topK === 1 ? 'best matching document' : `${topK} best matching documents`}.`,
    async execute(input: string): Promise<string> {
      if (input.length > MAX_SEARCH_QUERY_LENGTH) return `Error: query too long: at most ${MAX_SEARCH_QUERY_LENGTH} characters, received ${input.length}`;
      return formatSearchResult(index, input, topK);
    },
  };
}
