// The largest normalized row a dataset may hold: a question that big is a broken file, not a question, and would flood every prompt.
import type { DatasetRow } from '../schemas';

/** Characters of a row's JSON (question, answer, gold steps; corpus passages are counted apart). */
export const MAX_ROW_CHARACTERS = 100_000;

/** The problem with an oversized row, naming its longest field; null when the row fits. */
export function checkRowSize(row: DatasetRow): string | null {
  const size = JSON.stringify(row).length;
  if (size <= MAX_ROW_CHARACTERS) return null;
  const [field, length] = Object.entries(row)
    .map(([key, value]) => [key, JSON.stringify(value ?? null).length] as const)
    .reduce((longest, entry) => (entry[1] > longest[1] ? entry : longest));
  return `expected a row of at most ${MAX_ROW_CHARACTERS} characters, received ${size} ($.${field} has ${length})`;
}
