// Property tests: every generated question is answerable from its corpus, and gold chains replayed through the real tools reach the gold answer.
import fc from 'fast-check';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { createCalculatorTool } from '../../../core/tools/calculator';
import { runCalculator } from './support/run-calculator';
import { formatSearchResult } from '../../../core/tools/search-tool';
import { splitIntoSentences } from '../../../core/tools/rank-sentences';
import { generateTaskDataset, readDocumentFacts } from '../../../core/tasks';

const splits = fc.constantFrom('train' as const, 'test' as const);
const seeds = fc.integer({ min: 0, max: 1_000_000 });

describe('hop gold chains', () => {
  it('are answerable from the corpus: each chain document names the next one, the last names the answer', () => {
    fc.assert(
      fc.property(splits, seeds, fc.integer({ min: 1, max: 60 }), (split, seed, count) => {
        const { rows, corpus } = generateTaskDataset('hop', split, { count, seed });
        const byTitle = new Map(corpus.map((document) => [document.title, document]));
        for (const row of rows) {
          const titles = row.supportingFacts.map((fact) => fact.title);
          expect(titles.length).toBeGreaterThanOrEqual(2);
          expect(titles.length).toBeLessThanOrEqual(4);
          expect(row.question).toContain(titles[0]);
          titles.forEach((title, index) => {
            const document = byTitle.get(title);
            expect(document).toBeDefined();
            const sentence = document!.text.split(/(?<=\.)\s+/)[row.supportingFacts[index].sentence];
            const next = index + 1 < titles.length ? titles[index + 1] : row.answer;
            expect(sentence).toContain(next);
            expect(row.supportingFacts[index].text).toBe(sentence);
          });
        }
      }),
      { numRuns: 25 },
    );
  });

  it('replayed through BM25 search reach the gold answer: searching each entity returns its document first', () => {
    fc.assert(
      fc.property(splits, seeds, fc.integer({ min: 1, max: 60 }), (split, seed, count) => {
        const { rows, corpus } = generateTaskDataset('hop', split, { count, seed });
        const index = Bm25Index.build(corpus, { key: 'generated', etag: null });
        for (const row of rows) {
          let query = row.supportingFacts[0].title;
          let reached = '';
          for (const [hop, fact] of row.supportingFacts.entries()) {
            const [top] = index.search(query, 1);
            expect(top.document.title).toBe(fact.title);
            const facts = readDocumentFacts(top.document);
            const stated = facts.find((candidate) => candidate.sentence === fact.sentence);
            expect(stated).toBeDefined();
            reached = stated!.target;
            if (hop + 1 < row.supportingFacts.length) query = reached;
          }
          expect(reached).toBe(row.answer);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('searched as keywords (the entity, then all the question\'s relations), return the fact to follow as the first sentence of its page', () => {
    fc.assert(
      fc.property(splits, seeds, fc.integer({ min: 1, max: 60 }), (split, seed, count) => {
        const { rows, corpus } = generateTaskDataset('hop', split, { count, seed });
        const index = Bm25Index.build(corpus, { key: 'generated', etag: null });
        const byTitle = new Map(corpus.map((document) => [document.title, document]));
        for (const row of rows) {
          const relations = row.supportingFacts.map((fact) => readDocumentFacts(byTitle.get(fact.title)!).find((candidate) => candidate.sentence === fact.sentence)!.relation);
          for (const fact of row.supportingFacts) {
            const result = formatSearchResult(index, [fact.title, ...relations].join(' '), 1);
            expect(result.startsWith(`${fact.title}: `)).toBe(true);
            const sentences = splitIntoSentences(result.slice(fact.title.length + 2));
            expect(sentences[0]).toBe(fact.text);
            // Reordered, not cut: the page keeps every sentence.
            expect(sentences.length).toBe(splitIntoSentences(byTitle.get(fact.title)!.text).length);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('arith gold calculations', () => {
  it('replayed through the calculator chain from the question numbers to the gold answer', async () => {
    const calculator = createCalculatorTool();
    await fc.assert(
      fc.asyncProperty(splits, seeds, fc.integer({ min: 1, max: 40 }), async (split, seed, count) => {
        const { rows } = generateTaskDataset('arith', split, { count, seed });
        for (const row of rows) {
          expect(row.goldCalculations.length).toBeGreaterThanOrEqual(2);
          expect(row.goldCalculations.length).toBeLessThanOrEqual(6);
          const questionNumbers = (row.question.match(/\d+/g) ?? []).map(Number);
          const known = new Set<number>(questionNumbers);
          for (const step of row.goldCalculations) {
            const operands = (step.expression.match(/\d+/g) ?? []).map(Number);
            // Every operand is in the question or an earlier result: the chain needs nothing unseen.
            for (const operand of operands) expect(known.has(operand)).toBe(true);
            const result = await runCalculator(calculator, step.expression);
            expect(Number(result)).toBe(step.value);
            known.add(step.value!);
          }
          expect(String(row.goldCalculations[row.goldCalculations.length - 1].value)).toBe(row.answer);
        }
      }),
      { numRuns: 25 },
    );
  });
});
