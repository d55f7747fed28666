// Stable, readable ids for search-corpus documents, derived from their titles (and text where titles repeat).
import { createHash } from 'node:crypto';

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/**
 * Id of a document named by its title alone (HotPotQA: one paragraph per title); the hash keeps
 * titles that slug alike ("A.B" and "A B") apart.
 */
export function corpusIdFromTitle(title: string): string {
  const slug = slugify(title);
  return slug ? `${slug}-${shortHash(title)}` : `doc-${shortHash(title)}`;
}

/** Id of a document whose title may carry several paragraphs (MuSiQue, BeerQA, CofCA). */
export function corpusIdFromTitleAndText(title: string, text: string): string {
  const slug = slugify(title);
  const hash = shortHash(`${title}\n${text}`);
  return slug ? `${slug}-${hash}` : `doc-${hash}`;
}
