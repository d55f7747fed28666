// The rule judges on premature answers (given before a chain is complete) in generated hop and arith tasks.
import { decomposeTrajectory } from '../../../core/decompose';
import { judgeStepByRule } from '../../../core/judges';
import { collectContextNumbers } from '../../../core/judges/context-numbers';
import { normalizeAnswer } from '../../../core/judges/qa-answer-match';
import { DatasetRow } from '../../../core/schemas';
import { generateTaskDataset } from '../../../core/tasks';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { formatNumber } from '../../../core/tools/calculator';
import { formatSearchResult } from '../../../core/tools/search-tool';
import { makeTrajectory, TurnSpec } from '../../support/trajectory-fixtures';

function judgeLastStep(row: DatasetRow, specs: TurnSpec[]): { verdict: string; rationale: string; contextText: string; steps: number } {
  const steps = decomposeTrajectory(makeTrajectory(row, 0, specs));
  const last = steps[steps.length - 1];
  const judgment = judgeStepByRule(last, row);
  return { verdict: judgment.verdict, rationale: judgment.rationale, contextText: last.context.map((message) => message.content).join('\n'), steps: steps.length };
}

describe('premature answers on hop chains', () => {
  const { rows, corpus } = generateTaskDataset('hop', 'train', { count: 120, seed: 31 });
  const index = Bm25Index.build(corpus, { key: 'generated', etag: null });
  const searchOf = (title: string): TurnSpec => ({ search: title, result: formatSearchResult(index, title, 1) });

  it('marks an answer after the first hop BAD, though the intermediate entity is in retrieved text, and the full-chain answer GOOD', () => {
    const chained = rows.filter((row) => row.supportingFacts.length >= 2);
    expect(chained.length).toBeGreaterThan(60);
    const verdicts = { premature: [] as string[], guessed: [] as string[], full: [] as string[] };
    for (const row of chained) {
      const [first, second] = row.supportingFacts;
      // The second hop's page is about the entity the first hop points at: the tempting premature answer.
      const intermediate = second.title;
      const premature = judgeLastStep(row, [searchOf(first.title), { answer: intermediate }]);
      expect(normalizeAnswer(premature.contextText)).toContain(normalizeAnswer(intermediate));
      expect(premature.rationale).toContain('missing');
      verdicts.premature.push(premature.verdict);
      verdicts.guessed.push(judgeLastStep(row, [searchOf(first.title), { answer: row.answer }]).verdict);
      const full = judgeLastStep(row, [...row.supportingFacts.map((fact) => searchOf(fact.title)), { answer: row.answer }]);
      expect(full.steps).toBe(row.supportingFacts.length + 1);
      verdicts.full.push(full.verdict);
    }
    expect(verdicts.premature.every((verdict) => verdict === 'BAD')).toBe(true);
    expect(verdicts.guessed.every((verdict) => verdict === 'BAD')).toBe(true);
    expect(verdicts.full.every((verdict) => verdict === 'GOOD')).toBe(true);
  });
});

describe('premature answers on arith chains', () => {
  const { rows } = generateTaskDataset('arith', 'train', { count: 150, seed: 32 });
  const calculationsOf = (row: DatasetRow, count: number): TurnSpec[] =>
    row.goldCalculations.slice(0, count).map((calculation) => ({ calc: calculation.expression, result: formatNumber(calculation.value!) }));

  it('marks an intermediate value given as the answer BAD, though it is in context, and the full-chain answer GOOD', () => {
    const verdicts = { premature: [] as string[], full: [] as string[], lastStepWithoutCalculator: [] as string[] };
    let checked = 0;
    for (const row of rows) {
      const calculations = row.goldCalculations;
      const final = calculations[calculations.length - 1].value!;
      verdicts.full.push(judgeLastStep(row, [...calculationsOf(row, calculations.length), { answer: row.answer }]).verdict);
      // The final operation done without the calculator still ends the chain (one operation from context).
      verdicts.lastStepWithoutCalculator.push(judgeLastStep(row, [...calculationsOf(row, calculations.length - 1), { answer: row.answer }]).verdict);
      for (let done = 1; done < calculations.length; done += 1) {
        const intermediate = calculations[done - 1].value!;
        // A chain that passes through its final value early (+6 then −6) looks complete to a value-based rule.
        if (calculations.slice(0, done).some((calculation) => calculation.value === final)) continue;
        const steps = decomposeTrajectory(makeTrajectory(row, 0, [...calculationsOf(row, done), { answer: formatNumber(intermediate) }]));
        expect(collectContextNumbers(steps[steps.length - 1].context).has(intermediate)).toBe(true);
        const judgment = judgeStepByRule(steps[steps.length - 1], row);
        expect(judgment.rationale).toContain('premature');
        verdicts.premature.push(judgment.verdict);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(verdicts.premature.every((verdict) => verdict === 'BAD')).toBe(true);
    expect(verdicts.full.every((verdict) => verdict === 'GOOD')).toBe(true);
    expect(verdicts.lastStepWithoutCalculator.filter((verdict) => verdict === 'GOOD').length / rows.length).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps the grounded-answer rule for questions without gold calculations', () => {
    const [row] = rows;
    const withoutGold: DatasetRow = { ...row, goldCalculations: [] };
    const first = row.goldCalculations[0];
    expect(judgeLastStep(withoutGold, [...calculationsOf(row, 1), { answer: formatNumber(first.value!) }]).verdict).toBe('GOOD');
    expect(judgeLastStep(row, [...calculationsOf(row, 1), { answer: formatNumber(first.value!) }]).verdict).toBe(first.value === Number(row.answer) ? 'GOOD' : 'BAD');
  });
});
