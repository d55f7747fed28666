// Parsing of judge replies into GOOD/BAD and YES/NO verdicts.
import { parseVerdict, parseYesNo } from '../../../core/judges';

describe('parseVerdict', () => {
  it.each([
    ['The search targets the right entity.\nVerdict: GOOD', 'GOOD'],
    ['Reasoning...\n**Verdict:** BAD', 'BAD'],
    ['verdict - good', 'GOOD'],
    ['Verdict: "BAD".', 'BAD'],
    ['At first I thought Verdict: GOOD, but the answer lacks evidence.\nVerdict: BAD', 'BAD'],
    ['The step is fine.\n\nGOOD', 'GOOD'],
    ['**BAD**', 'BAD'],
  ])('%j → %s', (reply, verdict) => {
    expect(parseVerdict(reply)).toBe(verdict);
  });

  it.each([
    '',
    '   \n ',
    'This is a good step that helps answer the question.',
    'I cannot decide between GOOD and BAD here.',
    'Verdict: maybe',
  ])('%j has no verdict', (reply) => {
    expect(parseVerdict(reply)).toBeNull();
  });
});

describe('parseYesNo', () => {
  it('reads the YES/NO reply of the equivalence judge', () => {
    expect(parseYesNo('YES')).toBe(true);
    expect(parseYesNo('No.')).toBe(false);
    expect(parseYesNo('They refer to the same city.\nYES')).toBe(true);
    expect(parseYesNo('Perhaps.')).toBeNull();
    expect(parseYesNo('')).toBeNull();
  });
});
