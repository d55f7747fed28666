// An Okapi BM25 index over corpus documents, serializable to JSON so it is built once per corpus and reused.
import { CorpusDocument } from '../schemas/dataset-row';
import { tokenizeText } from './tokenize-text';

export const BM25_INDEX_VERSION = 1;

export interface Bm25Parameters {
  k1: number;
  b: number;
  /** Weight of the title match: query terms found in a title, scaled by how much of the title they cover. */
  titleWeight: number;
}

export const DEFAULT_BM25_PARAMETERS: Bm25Parameters = { k1: 1.2, b: 0.75, titleWeight: 1 };

/** The stored form: documents plus postings as flat [document, frequency, …] arrays per term. */
export interface Bm25IndexData {
  version: number;
  source: { key: string; etag: string | null };
  parameters: Bm25Parameters;
  documents: CorpusDocument[];
  lengths: number[];
  /** Distinct title terms per document. */
  titleTerms: string[][];
  postings: Record<string, number[]>;
}

export interface SearchHit {
  document: CorpusDocument;
  score: number;
}

export class Bm25Index {
  private readonly averageLength: number;
  private readonly postings: Map<string, number[]>;

  constructor(readonly data: Bm25IndexData) {
    if (data.version !== BM25_INDEX_VERSION) throw new Error(`BM25 index: expected version ${BM25_INDEX_VERSION}, received ${String(data.version)}`);
    const total = data.lengths.reduce((sum, length) => sum + length, 0);
    this.averageLength = data.lengths.length > 0 ? total / data.lengths.length : 0;
    this.postings = new Map(Object.entries(data.postings));
  }

  static build(documents: CorpusDocument[], source: { key: string; etag: string | null }, parameters = DEFAULT_BM25_PARAMETERS): Bm25Index {
    const postings = new Map<string, number[]>();
    const lengths: number[] = [];
    const titleTerms: string[][] = [];
    documents.forEach((document, index) => {
      const counts = new Map<string, number>();
      const title = tokenizeText(document.title);
      titleTerms.push([...new Set(title)]);
      const terms = [...title, ...tokenizeText(document.text)];
      for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
      lengths.push(terms.length);
      for (const [term, count] of counts) {
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push(index, count);
      }
    });
    return new Bm25Index({ version: BM25_INDEX_VERSION, source, parameters, documents, lengths, titleTerms, postings: Object.fromEntries(postings) });
  }

  get size(): number {
    return this.data.documents.length;
  }

  /** Inverse document frequency of each distinct query term the corpus holds; terms it lacks are left out. */
  weighTerms(query: string): Map<string, number> {
    const count = this.data.documents.length;
    const weights = new Map<string, number>();
    for (const term of new Set(tokenizeText(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const frequency = list.length / 2;
      weights.set(term, Math.log(1 + (count - frequency + 0.5) / (frequency + 0.5)));
    }
    return weights;
  }

  /** The k best documents for a query, best first; ties go to the earlier document so results are deterministic. */
  search(query: string, k = 1): SearchHit[] {
    const { k1, b, titleWeight } = this.data.parameters;
    const scores = new Map<number, number>();
    const weights = this.weighTerms(query);
    for (const [term, idf] of weights) {
      const list = this.postings.get(term) ?? [];
      for (let position = 0; position < list.length; position += 2) {
        const document = list[position];
        const termFrequency = list[position + 1];
        const norm = k1 * (1 - b + (b * this.data.lengths[document]) / (this.averageLength || 1));
        scores.set(document, (scores.get(document) ?? 0) + (idf * termFrequency * (k1 + 1)) / (termFrequency + norm));
      }
    }
    // A title made of the query's words is strong evidence: "Ed Sullivan" should find "Ed Sullivan", not "The Ed Sullivan Show".
    if (titleWeight > 0) {
      for (const [document, score] of scores) {
        const title = this.data.titleTerms[document];
        let matched = 0;
        let weight = 0;
        for (const term of title) {
          const idf = weights.get(term);
          if (idf === undefined) continue;
          matched += 1;
          weight += idf;
        }
        if (matched > 0) scores.set(document, score + titleWeight * weight * (matched / title.length));
      }
    }
    return [...scores.entries()]
      .sort((left, right) => right[1] - left[1] || left[0] - right[0])
      .slice(0, k)
      .map(([document, score]) => ({ document: this.data.documents[document], score }));
  }
}
