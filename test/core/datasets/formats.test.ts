// Dataset loaders per format on small hand-written files, including malformed lines.
import { loadDataset, normalizeNumericAnswer, parseGoldCalculations, textLineSource, corpusIdFromTitle } from '../../../core/datasets';

function lines(...records: unknown[]): string {
  return records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n');
}

describe('gsm8k', () => {
  it('normalizes answers and parses every annotation', () => {
    expect(normalizeNumericAnswer('1,250')).toBe('1250');
    expect(normalizeNumericAnswer('$18.00')).toBe('18');
    expect(normalizeNumericAnswer('-3.50')).toBe('-3.5');
    expect(parseGoldCalculations('a <<3*4=12>> b <<12-1,000=-988>>')).toEqual([{ expression: '3*4', value: 12 }, { expression: '12-1,000', value: -988 }]);
  });

  it('keeps a question whose annotation the calculator cannot verify, with that step flagged', async () => {
    const loaded = await loadDataset('gsm8k', textLineSource(lines(
      { question: 'Q1?', answer: 'A fraction <<3/4=3/4>> of it, then <<2+2=5>> and <<560//10=56>> and <<x=y>>, plain <<2+3=5>>.\n#### 4' },
      { question: 'Q2?', answer: 'y <<10/3=3.33>>\n#### 2,005' },
    )));
    expect(loaded.errors).toEqual([]);
    expect(loaded.rows.map((row) => [row.id, row.answer])).toEqual([['gsm8k-1', '4'], ['gsm8k-2', '2005']]);
    expect(loaded.rows[0].goldCalculations).toEqual([
      { expression: '3/4', value: 0.75, unverifiable: 'the annotated result "3/4" is not a number; the calculator gives 0.75' },
      { expression: '2+2', value: 5, unverifiable: 'the calculator gives 4, the annotation says 5' },
      { expression: '560//10', value: 56, unverifiable: expect.stringMatching(/^the calculator cannot evaluate the expression: cannot parse/) },
      { expression: 'x', value: null, unverifiable: expect.stringMatching(/^the annotated result "y" is not a number, and the calculator cannot evaluate the expression: unknown name "x"/) },
      { expression: '2+3', value: 5 },
    ]);
    // Rounded annotations are what the calculator gives at the annotation's precision.
    expect(loaded.rows[1].goldCalculations).toEqual([{ expression: '10/3', value: 3.33 }]);
  });
});

describe('hotpotqa', () => {
  it('accepts the original [[title, sentences]] layout and dedupes paragraphs across rows', async () => {
    const context = [['Alpha Town', ['Alpha is a town.', ' It has a mill.']], ['Beta River', ['Beta flows north.']]];
    const loaded = await loadDataset('hotpotqa', textLineSource(lines(
      { _id: 'a1', question: 'Where?', answer: 'north', supporting_facts: [['Beta River', 0]], context },
      { _id: 'a2', question: 'What?', answer: 'mill', supporting_facts: [['Alpha Town', 1], ['Beta River', 4]], context },
    )));
    expect(loaded.errors).toEqual([]);
    // Each fact carries its sentence; one pointing past its paragraph keeps none.
    expect(loaded.rows[1].supportingFacts).toEqual([{ title: 'Alpha Town', sentence: 1, text: 'It has a mill.' }, { title: 'Beta River', sentence: 4 }]);
    expect(loaded.corpus).toEqual([
      { id: corpusIdFromTitle('Alpha Town'), title: 'Alpha Town', text: 'Alpha is a town. It has a mill.' },
      { id: corpusIdFromTitle('Beta River'), title: 'Beta River', text: 'Beta flows north.' },
    ]);
  });

  it('keeps titles that slug alike apart and reports duplicate row ids', async () => {
    expect(corpusIdFromTitle('A.B')).not.toBe(corpusIdFromTitle('A B'));
    const record = { id: 'same', question: 'q?', answer: 'a', context: { title: ['T'], sentences: [['s.']] } };
    const loaded = await loadDataset('hotpotqa', textLineSource(lines(record, record)));
    expect(loaded.rows).toHaveLength(1);
    expect(loaded.errors).toEqual([{ line: 2, error: expect.stringContaining('expected a unique id, received "same" again (first on line 1)') }]);
  });
});

describe('musique', () => {
  const record = {
    id: '2hop__1_2',
    paragraphs: [
      { idx: 0, title: 'Mount Sorrel', paragraph_text: 'Mount Sorrel stands in Carrow County.', is_supporting: true },
      { idx: 1, title: 'Carrow County', paragraph_text: 'Carrow County has its seat at Linfield.', is_supporting: true },
      { idx: 2, title: 'Carrow County', paragraph_text: 'Carrow County was formed in 1850.', is_supporting: false },
    ],
    question: 'What is the seat of the county where Mount Sorrel stands?',
    question_decomposition: [
      { id: 1, question: 'Mount Sorrel >> located in the administrative territorial entity', answer: 'Carrow County', paragraph_support_idx: 0 },
      { id: 2, question: '#1 >> capital', answer: 'Linfield', paragraph_support_idx: 1 },
    ],
    answer: 'Linfield',
    answer_aliases: ['Linfield town'],
    answerable: true,
  };

  it('reads paragraphs, decomposition, aliases and answerability', async () => {
    const loaded = await loadDataset('musique', textLineSource(lines(record, { ...record, id: 'x', answerable: false })));
    expect(loaded.errors).toEqual([]);
    const [row, unanswerable] = loaded.rows;
    expect(row).toMatchObject({ answer: 'Linfield', aliases: ['Linfield town'], task: 'qa', answerable: true });
    expect(row.supportingFacts).toEqual([{ title: 'Mount Sorrel', sentence: 0 }, { title: 'Carrow County', sentence: 0 }]);
    expect(row.goldSolution).toBe('1. Mount Sorrel >> located in the administrative territorial entity -> Carrow County\n2. #1 >> capital -> Linfield');
    expect(unanswerable.answerable).toBe(false);
    // Two paragraphs share a title, so both stay in the corpus.
    expect(loaded.corpus).toHaveLength(3);
  });

  it('names the bad field', async () => {
    const loaded = await loadDataset('musique', textLineSource(lines({ ...record, paragraphs: 'none' })));
    expect(loaded.errors).toEqual([{ line: 1, error: '$.paragraphs: expected an array, received "none"' }]);
  });
});

describe('beerqa', () => {
  const item = { id: 'b1', src: 'hotpotqa', question: 'Which river?', answers: ['Beta', 'the Beta'], context: [['Beta River', 'Beta flows north.']] };

  it('reads one record per line and the release file that wraps all records in {"data": [...]}', async () => {
    const perLine = await loadDataset('beerqa', textLineSource(lines(item)));
    expect(perLine.rows[0]).toMatchObject({ id: 'b1', answer: 'Beta', aliases: ['the Beta'], source: 'beerqa/hotpotqa' });
    expect(perLine.corpus).toHaveLength(1);
    const release = JSON.stringify({ version: '1.0', split: 'dev', data: [item, { ...item, id: 'b2', answers: [] }, { ...item, id: 'b3' }] });
    const wrapped = await loadDataset('beerqa', textLineSource(release));
    expect(wrapped.rows.map((row) => row.id)).toEqual(['b1', 'b3']);
    expect(wrapped.errors).toEqual([{ line: 1, error: expect.stringMatching(/^item 1: \$\.answers: expected at least one answer/) }]);
  });
});

describe('cofca', () => {
  it('accepts the passage and sub-question spellings of different releases', async () => {
    const loaded = await loadDataset('cofca', textLineSource(lines(
      { id: 'c1', question: 'Who?', answer: 'Ada', passages: [{ title: 'P', text: 'Ada wrote it.' }], sub_questions: [{ question: 'Who wrote it?', answer: 'Ada' }] },
      { question: 'When?', answers: ['1901', 'nineteen oh one'], context: ['It opened in 1901.'] },
      { question: 'No answer here' },
    )));
    expect(loaded.rows.map((row) => [row.id, row.answer, row.aliases])).toEqual([['c1', 'Ada', []], ['cofca-2', '1901', ['nineteen oh one']]]);
    expect(loaded.rows[0].goldSolution).toBe('1. Who wrote it? -> Ada');
    expect(loaded.corpus.map((document) => document.text)).toEqual(['Ada wrote it.', 'It opened in 1901.']);
    expect(loaded.errors).toEqual([{ line: 3, error: '$.answer: expected an answer, received nothing (missing)' }]);
  });
});

describe('jsonl with a field mapping', () => {
  it('maps nested fields, list answers and numbers', async () => {
    const loaded = await loadDataset('jsonl', textLineSource(lines(
      { meta: { key: 'k1' }, prompt: 'Two plus two?', target: 4 },
      { meta: { key: 'k2' }, prompt: 'Capital of Erewhon?', target: ['Nowhere', 'Nowhere City'], alts: 'NW' },
      { meta: {}, prompt: '', target: 'x' },
      'not json',
    )), { fields: { id: 'meta.key', question: 'prompt', answer: 'target', aliases: 'alts', task: 'math' } });
    expect(loaded.rows.map((row) => [row.id, row.answer, row.aliases, row.task])).toEqual([
      ['k1', '4', [], 'math'],
      ['k2', 'Nowhere', ['Nowhere City', 'NW'], 'math'],
    ]);
    expect(loaded.errors.map((error) => error.line)).toEqual([3, 4]);
    expect(loaded.errors[0].error).toBe('$.prompt: expected a non-empty string, received ""');
  });

  it('validates normalized rows (imported, hop, arith) against the row schema', async () => {
    const loaded = await loadDataset('normalized', textLineSource(lines(
      { id: 'r1', question: 'q?', answer: 'a', task: 'qa', source: 'hop' },
      { id: 'r2', question: 'q?', answer: 'a', task: 'poetry', source: 'hop' },
    )));
    expect(loaded.rows).toHaveLength(1);
    expect(loaded.errors[0]).toEqual({ line: 2, error: '$.task: expected one of "math" | "qa", received "poetry"' });
  });
});
