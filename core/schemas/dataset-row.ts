// A normalized dataset question and a search-corpus document, whatever the source format.
import { z } from 'zod';

export const GoldCalculationSchema = z.strictObject({
  expression: z.string().describe('Calculator expression from the gold solution, e.g. "48/2".'),
  value: z.number().nullable().describe('Its annotated value; the calculator\'s when the annotation is not a number; null when neither gives one.'),
  unverifiable: z.string().optional().describe('Why the calculator could not confirm this step (a non-numeric result, an expression it cannot evaluate, a different value); absent when it could.'),
});
export type GoldCalculation = z.infer<typeof GoldCalculationSchema>;

export const SupportingFactSchema = z.strictObject({
  title: z.string(),
  sentence: z.number().int().nonnegative(),
  text: z.string().optional().describe('The supporting sentence itself, when the source gives it; the QA rule judge then reads answers from it.'),
});

export const DatasetRowSchema = z.strictObject({
  id: z.string().min(1),
  question: z.string().min(1),
  answer: z.string().describe('Gold final answer, normalized (for GSM8K the number after ####).'),
  aliases: z.array(z.string()).default([]).describe('Other accepted answers (MuSiQue answer_aliases).'),
  task: z.enum(['math', 'qa']),
  source: z.string().describe('Dataset format the row came from.'),
  goldCalculations: z.array(GoldCalculationSchema).default([]).describe('Gold calculator steps (GSM8K annotations, arith chains).'),
  supportingFacts: z.array(SupportingFactSchema).default([]).describe('Gold supporting paragraphs (HotPotQA, MuSiQue, hop chains).'),
  goldSolution: z.string().optional().describe('Worked gold solution text when the format carries one.'),
  answerable: z.boolean().default(true),
});
export type DatasetRow = z.infer<typeof DatasetRowSchema>;

export const CorpusDocumentSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string(),
  text: z.string(),
});
export type CorpusDocument = z.infer<typeof CorpusDocumentSchema>;

/** The gold steps' numbers, in order, leaving out steps that have none (see GoldCalculationSchema.value). */
export function readGoldValues(row: Pick<DatasetRow, 'goldCalculations'>): number[] {
  return row.goldCalculations.flatMap((calculation) => (calculation.value === null ? [] : [calculation.value]));
}
