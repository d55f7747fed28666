// Tests of the built-in task families: determinism, schema validity, and train/test separation.
import { CorpusDocumentSchema, DatasetRowSchema } from '../../../core/schemas';
import {
  generateTaskDataset,
  listHopTemplates,
  parseBuiltinSource,
  splitOfArithTemplate,
  splitOfWord,
  type TaskFamily,
} from '../../../core/tasks';

function templateOf(goldSolution: string | undefined): string {
  const match = /^template ([^;]+);/.exec(goldSolution ?? '');
  if (!match) throw new Error(`no template in ${JSON.stringify(goldSolution)}`);
  return match[1];
}

/** Capitalized words of a text: the generated names plus a few sentence starters. */
function capitalizedWords(text: string): Set<string> {
  return new Set(text.match(/\b[A-Z][a-z]+\b/g) ?? []);
}

describe('generateTaskDataset', () => {
  it.each<TaskFamily>(['hop', 'arith'])('is deterministic by seed (%s)', (family) => {
    const first = generateTaskDataset(family, 'train', { count: 40, seed: 7 });
    const second = generateTaskDataset(family, 'train', { count: 40, seed: 7 });
    const other = generateTaskDataset(family, 'train', { count: 40, seed: 8 });
    expect(second).toEqual(first);
    expect(other.rows.map((row) => row.question)).not.toEqual(first.rows.map((row) => row.question));
  });

  it.each<TaskFamily>(['hop', 'arith'])('produces valid, distinct rows (%s)', (family) => {
    for (const split of ['train', 'test'] as const) {
      const { rows, corpus } = generateTaskDataset(family, split, { count: 120, seed: 3 });
      expect(rows).toHaveLength(120);
      for (const row of rows) expect(DatasetRowSchema.parse(row)).toEqual(row);
      for (const document of corpus) expect(CorpusDocumentSchema.parse(document)).toEqual(document);
      expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
      expect(new Set(rows.map((row) => row.question)).size).toBe(rows.length);
      expect(new Set(corpus.map((document) => document.id)).size).toBe(corpus.length);
      expect(new Set(corpus.map((document) => document.title)).size).toBe(corpus.length);
      expect(rows.every((row) => row.source === family && row.task === (family === 'hop' ? 'qa' : 'math'))).toBe(true);
    }
  });

  it('hop: train and test share no entity and no template, and each split uses only its own templates', () => {
    const train = generateTaskDataset('hop', 'train', { count: 300, seed: 1 });
    const test = generateTaskDataset('hop', 'test', { count: 300, seed: 1 });
    const trainTitles = new Set(train.corpus.map((document) => document.title));
    expect(test.corpus.some((document) => trainTitles.has(document.title))).toBe(false);
    const trainWords = new Set(train.corpus.flatMap((document) => [...capitalizedWords(document.title)]));
    const sharedNameWords = test.corpus.flatMap((document) => [...capitalizedWords(document.title)])
      .filter((word) => trainWords.has(word) && !['Records', 'Press', 'Studios', 'Songs', 'Tales', 'Story'].includes(word));
    expect(sharedNameWords).toEqual([]);
    const trainTemplates = new Set(listHopTemplates('train').map((template) => template.id));
    const testTemplates = new Set(listHopTemplates('test').map((template) => template.id));
    expect([...testTemplates].filter((id) => trainTemplates.has(id))).toEqual([]);
    expect(train.rows.every((row) => trainTemplates.has(templateOf(row.goldSolution)))).toBe(true);
    expect(test.rows.every((row) => testTemplates.has(templateOf(row.goldSolution)))).toBe(true);
    for (const hops of [2, 3, 4]) {
      expect(train.rows.some((row) => row.supportingFacts.length === hops)).toBe(true);
      expect(test.rows.some((row) => row.supportingFacts.length === hops)).toBe(true);
    }
  });

  it('arith: train and test share no character, setting or template', () => {
    const train = generateTaskDataset('arith', 'train', { count: 300, seed: 1 });
    const test = generateTaskDataset('arith', 'test', { count: 300, seed: 1 });
    const characterOf = (question: string) => question.split(' ')[0];
    expect(train.rows.every((row) => splitOfWord(characterOf(row.question)) === 'train')).toBe(true);
    expect(test.rows.every((row) => splitOfWord(characterOf(row.question)) === 'test')).toBe(true);
    const itemsOf = (question: string) => /How many (\w+) does/.exec(question)![1];
    const trainItems = new Set(train.rows.map((row) => itemsOf(row.question)));
    expect(test.rows.some((row) => trainItems.has(itemsOf(row.question)))).toBe(false);
    expect(train.rows.every((row) => splitOfArithTemplate(templateOf(row.goldSolution)) === 'train')).toBe(true);
    expect(test.rows.every((row) => splitOfArithTemplate(templateOf(row.goldSolution)) === 'test')).toBe(true);
    const calculationCounts = new Set(train.rows.map((row) => row.goldCalculations.length));
    expect([...calculationCounts].sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it('rejects bad options with a message naming what was expected', () => {
    expect(() => generateTaskDataset('maze' as TaskFamily, 'train', { count: 1, seed: 1 })).toThrow(/expected hop \| arith, received "maze"/);
    expect(() => generateTaskDataset('hop', 'dev' as 'train', { count: 1, seed: 1 })).toThrow(/expected train \| test, received "dev"/);
    expect(() => generateTaskDataset('hop', 'train', { count: 0, seed: 1 })).toThrow(/count: expected an integer from 1 to 100000, received 0/);
    expect(() => generateTaskDataset('arith', 'train', { count: 2, seed: 1.5 })).toThrow(/seed: expected an integer, received 1.5/);
  });

  it('parses builtin dataset sources', () => {
    expect(parseBuiltinSource('builtin:hop:train')).toEqual({ family: 'hop', split: 'train' });
    expect(parseBuiltinSource('builtin:arith:test')).toEqual({ family: 'arith', split: 'test' });
    expect(parseBuiltinSource('s3://bucket/key')).toBeNull();
    expect(() => parseBuiltinSource('builtin:maze:train')).toThrow(/expected builtin:<hop\|arith>:<train\|test>/);
  });
});
