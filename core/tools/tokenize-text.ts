// Text to search terms: accent-folded, lowercased letter/digit runs without common English stopwords.

const STOPWORDS = new Set(
  ('a an and are as at be but by for from had has have he her his how i if in into is it its of on or she that the their them ' +
   'then there these they this to was were what when where which who whom why will with you your did does do').split(' '),
);

export function tokenizeText(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const terms: string[] = [];
  for (const match of folded.matchAll(/[\p{L}\p{N}]+/gu)) {
    const term = match[0];
    if (!STOPWORDS.has(term)) terms.push(term);
  }
  return terms;
}
