// The rule judges on the gold chains of the built-in task families.
import { decomposeTrajectory } from '../../../core/decompose';
import { judgeStepByRule } from '../../../core/judges';
import { generateTaskDataset } from '../../../core/tasks';
import { readDocumentFacts } from '../../../core/tasks/hop/hop-documents';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { formatNumber } from '../../../core/tools/calculator';
import { formatSearchResult } from '../../../core/tools/search-tool';
import { makeTrajectory, TurnSpec } from '../../support/trajectory-fixtures';

function goodRate(verdicts: string[]): number {
  return verdicts.filter((verdict) => verdict === 'GOOD').length / verdicts.length;
}

describe('rule judge on the built-in task families', () => {
  it('marks arith gold calculator chains GOOD', () => {
    const { rows } = generateTaskDataset('arith', 'train', { count: 300, seed: 11 });
    const verdicts = rows.flatMap((row) => {
      const specs: TurnSpec[] = row.goldCalculations.map((calculation) => ({ calc: calculation.expression, result: formatNumber(calculation.value!) }));
      return decomposeTrajectory(makeTrajectory(row, 0, [...specs, { answer: row.answer }])).map((step) => judgeStepByRule(step, row).verdict);
    });
    expect(goodRate(verdicts)).toBeGreaterThanOrEqual(0.99);
  });

  it('marks hop gold search chains GOOD and searches for another question\'s entities BAD', () => {
    const { rows, corpus } = generateTaskDataset('hop', 'train', { count: 200, seed: 12 });
    const index = Bm25Index.build(corpus, { key: 'generated', etag: null });
    const gold: string[] = [];
    const offTrack: string[] = [];
    rows.forEach((row, position) => {
      const specs: TurnSpec[] = row.supportingFacts.map((fact) => ({ search: fact.title, result: formatSearchResult(index, fact.title, 1) }));
      gold.push(...decomposeTrajectory(makeTrajectory(row, 0, [...specs, { answer: row.answer }])).map((step) => judgeStepByRule(step, row).verdict));
      const other = rows[(position + 1) % rows.length].supportingFacts[0].title;
      if (row.supportingFacts.some((fact) => fact.title === other)) return;
      const [step] = decomposeTrajectory(makeTrajectory(row, 1, [{ search: other, result: formatSearchResult(index, other, 1) }]));
      offTrack.push(judgeStepByRule(step, row).verdict);
    });
    expect(goodRate(gold)).toBeGreaterThanOrEqual(0.99);
    expect(offTrack.length).toBeGreaterThan(150);
    expect(offTrack.filter((verdict) => verdict === 'BAD').length / offTrack.length).toBeGreaterThanOrEqual(0.95);
  });

  it('marks an answer read from a supporting page\'s other relation BAD', () => {
    const { rows, corpus } = generateTaskDataset('hop', 'train', { count: 200, seed: 13 });
    const index = Bm25Index.build(corpus, { key: 'generated', etag: null });
    const byTitle = new Map(corpus.map((document) => [document.title, document]));
    const verdicts: string[] = [];
    for (const row of rows) {
      // The first page states two facts; the chain follows one, the answer here takes the other.
      const first = row.supportingFacts[0];
      const other = readDocumentFacts(byTitle.get(first.title)!).find((fact) => fact.sentence !== first.sentence);
      if (!other || other.target === row.answer) continue;
      const specs: TurnSpec[] = row.supportingFacts.map((fact) => ({ search: fact.title, result: formatSearchResult(index, fact.title, 1) }));
      const steps = decomposeTrajectory(makeTrajectory(row, 0, [...specs, { answer: other.target }]));
      verdicts.push(judgeStepByRule(steps[steps.length - 1], row).verdict);
    }
    expect(verdicts.length).toBeGreaterThan(150);
    expect(verdicts.every((verdict) => verdict === 'BAD')).toBe(true);
  });
});
