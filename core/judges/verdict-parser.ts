// Reads a judge's verdict out of its reply; a reply without a clear verdict yields null, never a guess.
const VERDICT_LINE = /verdict\s*(?:is)?\s*[:=\-–]?\s*[*_"'`[(]*\s*(GOOD|BAD)\b/gi;
const BARE_LINE = /^[\s*_"'`#>[(]*(GOOD|BAD)[\s*_"'`.!)\]]*$/i;
const YES_NO_LINE = /^[\s*_"'`#>[(]*(YES|NO)\b[\s*_"'`.!)\]]*$/i;

export type ParsedVerdict = 'GOOD' | 'BAD';

/**
 * The last "Verdict: GOOD|BAD" in the reply (markdown, quotes and case tolerated); failing that, a last
 * non-empty line that is exactly GOOD or BAD. Prose that merely mentions "good" does not count.
 */
export function parseVerdict(reply: string): ParsedVerdict | null {
  const matches = [...reply.matchAll(VERDICT_LINE)];
  if (matches.length > 0) return matches[matches.length - 1][1].toUpperCase() as ParsedVerdict;
  const lines = reply.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length === 0) return null;
  const bare = BARE_LINE.exec(lines[lines.length - 1]);
  return bare ? (bare[1].toUpperCase() as ParsedVerdict) : null;
}

/** A YES/NO equivalence reply: the first word of the reply, or a last line that is just YES or NO. */
export function parseYesNo(reply: string): boolean | null {
  const lines = reply.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length === 0) return null;
  const first = /^[\s*_"'`#>[(]*(YES|NO)\b/i.exec(lines[0]);
  const last = YES_NO_LINE.exec(lines[lines.length - 1]);
  const answer = last?.[1] ?? first?.[1];
  if (answer === undefined) return null;
  return answer.toUpperCase() === 'YES';
}
