// Reorders a retrieved document's sentences so those matching the query's words, in the query's order, come first.
import { tokenizeText } from './tokenize-text';

/** Sentence ends: a period, question or exclamation mark followed by whitespace. */
export function splitIntoSentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.length > 0);
}

/** The weight of the heaviest run of terms that appears, in order and unbroken, in both term lists. */
function weighLongestSharedRun(queryTerms: readonly string[], sentenceTerms: readonly string[], weights: ReadonlyMap<string, number>): number {
  let best = 0;
  let previous = new Array<number>(sentenceTerms.length + 1).fill(0);
  for (const queryTerm of queryTerms) {
    const current = new Array<number>(sentenceTerms.length + 1).fill(0);
    sentenceTerms.forEach((sentenceTerm, position) => {
      if (sentenceTerm !== queryTerm) return;
      current[position + 1] = previous[position] + (weights.get(queryTerm) ?? 0);
      best = Math.max(best, current[position + 1]);
    });
    previous = current;
  }
  return best;
}

/**
 * The document's sentences, best match first. A sentence scores first by the heaviest phrase it shares with the
 * query (term weights summed over an unbroken run), then by the summed weight of all query terms it holds; equal
 * scores keep document order, so a query no sentence matches better than another returns the text unchanged. The
 * phrase comes first because a nested question names several relations: "the home city of the founder of Mirel
 * Records" asks about Mirel Records' founder, the relation written next to the name, not its home city. Nothing is
 * dropped: the page is the same evidence, with the sentence the query asked about where a reader looks first.
 */
export function rankSentences(text: string, query: string, weights: ReadonlyMap<string, number>): string {
  const sentences = splitIntoSentences(text);
  if (sentences.length < 2 || weights.size === 0) return text;
  const queryTerms = tokenizeText(query);
  const scored = sentences.map((sentence, position) => {
    const terms = tokenizeText(sentence);
    let total = 0;
    for (const term of new Set(terms)) total += weights.get(term) ?? 0;
    return { sentence, position, phrase: weighLongestSharedRun(queryTerms, terms, weights), total };
  });
  scored.sort((left, right) => right.phrase - left.phrase || right.total - left.total || left.position - right.position);
  return scored.map((entry) => entry.sentence).join(' ');
}
