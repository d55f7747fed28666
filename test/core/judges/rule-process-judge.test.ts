// The rule-based process judge on math and QA steps.
import { readFileSync } from 'node:fs';
import { decomposeTrajectory } from '../../../core/decompose';
import { parseHotpotqaRecord } from '../../../core/datasets/hotpotqa-format';
import { judgeStepByRule } from '../../../core/judges';
import { CorpusDocument, DatasetRowSchema } from '../../../core/schemas';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { formatSearchResult } from '../../../core/tools/search-tool';
import { buildGoldTrajectory, corruptOneNumber, createRandom, readGsm8kGoldRows } from '../../../bench/support/gsm8k-gold-trajectories';
import { describeWithSharedData, sharedDataPath } from '../../support/shared-data';
import { makeTrajectory, mathQuestion, qaQuestion, TurnSpec } from '../../support/trajectory-fixtures';

function verdicts(question: Parameters<typeof makeTrajectory>[0], specs: TurnSpec[]): string[] {
  return decomposeTrajectory(makeTrajectory(question, 0, specs)).map((step) => judgeStepByRule(step, question).verdict);
}

describe('rule process judge (heuristic), math', () => {
  const question = mathQuestion('m1', 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did she sell altogether?', '72', [24, 72]);

  it('marks the gold path GOOD and labels itself as a rule judge', () => {
    expect(verdicts(question, [{ calc: '48/2', result: '24' }, { calc: '48+24', result: '72' }, { answer: '72' }])).toEqual(['GOOD', 'GOOD', 'GOOD']);
    const [step] = decomposeTrajectory(makeTrajectory(question, 0, [{ calc: '48/2', result: '24' }]));
    expect(judgeStepByRule(step, question)).toMatchObject({ judge: 'rule:math', promptVersion: 'rule-v1', inputTokens: 0 });
  });

  it('accepts a non-gold step that combines context numbers with one operation', () => {
    const noGold = mathQuestion('m2', 'A shelf has 12 books and another has 30 books. How many books are there?', '42');
    expect(verdicts(noGold, [{ calc: '12+30', result: '42' }, { answer: '42' }])).toEqual(['GOOD', 'GOOD']);
    expect(verdicts(noGold, [{ calc: '30-12', result: '18' }])).toEqual(['GOOD']);
  });

  it('rejects made-up numbers, non-evaluating expressions, unsupported answers and invalid actions', () => {
    expect(verdicts(question, [{ calc: '47/2', result: '23.5' }])).toEqual(['BAD']);
    expect(verdicts(question, [{ calc: 'half of 48', result: 'Error' }])).toEqual(['BAD']);
    expect(verdicts(question, [{ calc: '48/2', result: '24' }, { answer: '96.5' }])).toEqual(['GOOD', 'BAD']);
    expect(verdicts(question, [{ answer: 'many clips' }])).toEqual(['BAD']);
    expect(verdicts(question, [{ invalid: 'I will think more.' }])).toEqual(['BAD']);
  });

  it('does not guess about tools it cannot check', () => {
    expect(verdicts(question, [{ search: 'clips', result: 'Clips are fasteners.' }])).toEqual(['unknown']);
  });
});

describe('rule process judge (heuristic), QA', () => {
  const question = qaQuestion('h1', 'Where did the band behind Tinted Windows first perform?', 'Tulsa', ['Tinted Windows (album)', 'Tinted Windows (band)']);

  it('marks retrieval of a supporting paragraph GOOD and an answer found in retrieved text GOOD once every supporting paragraph was read', () => {
    const album = { search: 'Tinted Windows album', result: 'Tinted Windows (album): The album was recorded by Tinted Windows (band).' };
    const band = { search: 'Tinted Windows band', result: 'Tinted Windows (band): The band played its first show in Tulsa, Oklahoma.' };
    expect(verdicts(question, [album, band, { answer: 'tulsa' }])).toEqual(['GOOD', 'GOOD', 'GOOD']);
    expect(verdicts(question, [band, { answer: 'tulsa' }])).toEqual(['GOOD', 'BAD']);
    const distractor = { search: 'first show', result: 'Ants Marching: The song was first played live in Charlottesville.' };
    expect(verdicts(question, [album, band, distractor, { answer: 'Charlottesville' }])).toEqual(['GOOD', 'GOOD', 'BAD', 'BAD']);
  });

  it('marks other retrieval BAD, judging the result and not the echoed query', () => {
    expect(verdicts(question, [{ search: 'Tinted Windows (band)', result: 'Ants Marching: a song by Dave Matthews Band.' }, { answer: 'Tulsa' }])).toEqual(['BAD', 'BAD']);
  });

  it('reads answers from the supporting sentences when every fact carries one', () => {
    const withSentences = DatasetRowSchema.parse({
      ...question,
      supportingFacts: [
        { title: 'Tinted Windows (album)', sentence: 0, text: 'The album was recorded by Tinted Windows (band).' },
        { title: 'Tinted Windows (band)', sentence: 1, text: 'The band played its first show in Tulsa.' },
      ],
    });
    const album = { search: 'Tinted Windows album', result: 'Tinted Windows (album): The album was recorded by Tinted Windows (band).' };
    const band = { search: 'Tinted Windows band', result: 'Tinted Windows (band): The band formed in Austin. The band played its first show in Tulsa.' };
    expect(verdicts(withSentences, [album, band, { answer: 'Tulsa' }])).toEqual(['GOOD', 'GOOD', 'GOOD']);
    // Austin is on a supporting page, but no supporting sentence says it: the page's other fact.
    expect(verdicts(withSentences, [album, band, { answer: 'Austin' }])).toEqual(['GOOD', 'GOOD', 'BAD']);
    // Without sentences on every fact the judge cannot tell, and reads the whole page as before.
    const partly = DatasetRowSchema.parse({ ...withSentences, supportingFacts: [withSentences.supportingFacts[0], { title: 'Tinted Windows (band)', sentence: 1 }] });
    expect(verdicts(partly, [album, band, { answer: 'Austin' }])).toEqual(['GOOD', 'GOOD', 'GOOD']);
  });

  it('needs every supporting paragraph for yes/no answers, and supporting facts to judge retrieval at all', () => {
    const comparison = qaQuestion('h2', 'Are both bands from Tulsa?', 'yes', ['A', 'B']);
    expect(verdicts(comparison, [{ search: 'A', result: 'A: a band from Tulsa.' }, { answer: 'yes' }])).toEqual(['GOOD', 'BAD']);
    expect(verdicts(comparison, [{ search: 'A', result: 'A: from Tulsa.' }, { search: 'B', result: 'B: from Tulsa.' }, { answer: 'Yes' }])).toEqual(['GOOD', 'GOOD', 'GOOD']);
    expect(verdicts(qaQuestion('h3', 'Who?', 'Ann'), [{ search: 'who', result: 'Ann: a person.' }, { answer: 'Ann' }])).toEqual(['unknown', 'GOOD']);
  });
});

describeWithSharedData('rule judge on real gold data', () => {
  it('marks >= 99% of GSM8K gold steps GOOD and >= 95% of corrupted steps BAD', () => {
    const rows = readGsm8kGoldRows(sharedDataPath('gsm8k/train.jsonl'));
    const random = createRandom(20240601);
    let good = 0;
    let total = 0;
    let corruptedBad = 0;
    let corrupted = 0;
    for (const gold of rows) {
      const trajectory = buildGoldTrajectory(gold, 'gold-check');
      const steps = decomposeTrajectory(trajectory);
      expect(steps).toHaveLength(gold.row.goldCalculations.length + 1);
      for (const step of steps) {
        total += 1;
        if (judgeStepByRule(step, trajectory.question).verdict === 'GOOD') good += 1;
      }
      const broken = corruptOneNumber(trajectory, random, { avoidContextNumbers: true });
      if (!broken) continue;
      corrupted += 1;
      if (judgeStepByRule(decomposeTrajectory(broken.trajectory)[broken.turnIndex], trajectory.question).verdict === 'BAD') corruptedBad += 1;
    }
    console.log(`GSM8K rule judge: gold GOOD ${good}/${total} (${(good / total).toFixed(4)}), corrupted BAD ${corruptedBad}/${corrupted} (${(corruptedBad / corrupted).toFixed(4)})`);
    expect(total).toBeGreaterThan(30000);
    expect(good / total).toBeGreaterThanOrEqual(0.99);
    expect(corrupted).toBeGreaterThan(7000);
    expect(corruptedBad / corrupted).toBeGreaterThanOrEqual(0.95);
  });

  it('marks HotPotQA searches that retrieve supporting paragraphs GOOD and distractor searches BAD', () => {
    const lines = readFileSync(sharedDataPath('hotpotqa/dev.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '');
    const parsed = lines.map((line, index) => parseHotpotqaRecord(JSON.parse(line), { line: index + 1, position: String(index + 1) })[0]);
    const documents = new Map<string, CorpusDocument>();
    for (const record of parsed) for (const document of record.documents) documents.set(document.id, document);
    const index = Bm25Index.build([...documents.values()], { key: 'hotpotqa-dev', etag: null });
    const counts = { goldSearch: 0, goldSearchGood: 0, answers: 0, answersGood: 0, distractor: 0, distractorBad: 0 };
    for (const record of parsed) {
      const row = DatasetRowSchema.parse(record.row);
      const titles = [...new Set(row.supportingFacts.map((fact) => fact.title))];
      const specs: TurnSpec[] = titles.map((title) => ({ search: title, result: formatSearchResult(index, title, 1) }));
      const steps = decomposeTrajectory(makeTrajectory(row, 0, [...specs, { answer: row.answer }]));
      for (const step of steps) {
        const verdict = judgeStepByRule(step, row).verdict;
        if (step.parsedAction.type === 'answer') {
          counts.answers += 1;
          if (verdict === 'GOOD') counts.answersGood += 1;
        } else {
          counts.goldSearch += 1;
          if (verdict === 'GOOD') counts.goldSearchGood += 1;
        }
      }
      const distractor = record.documents.find((document) => !titles.includes(document.title));
      if (!distractor) continue;
      const [distractorStep] = decomposeTrajectory(makeTrajectory(row, 1, [{ search: distractor.title, result: formatSearchResult(index, distractor.title, 1) }]));
      counts.distractor += 1;
      if (judgeStepByRule(distractorStep, row).verdict === 'BAD') counts.distractorBad += 1;
    }
    console.log(`HotPotQA rule judge: ${JSON.stringify(counts)}`);
    expect(counts.goldSearchGood / counts.goldSearch).toBeGreaterThanOrEqual(0.95);
    expect(counts.answersGood / counts.answers).toBeGreaterThanOrEqual(0.9);
    expect(counts.distractorBad / counts.distractor).toBeGreaterThanOrEqual(0.9);
  });
});
