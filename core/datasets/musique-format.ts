// MuSiQue (official JSONL): paragraphs, question_decomposition, answer, answer_aliases, answerable.
import type { CorpusDocument } from '../schemas';
import { corpusIdFromTitleAndText } from './corpus-id';
import type { ParseContext, ParsedRecord } from './dataset-record';
import { describeValue, isObject, optionalText, optionalTextList, RecordError, requireArray, requireObject, requireText } from './record-fields';

export function parseMusiqueRecord(value: unknown, context: ParseContext): ParsedRecord[] {
  const record = requireObject(value);
  const documents: CorpusDocument[] = [];
  const supportingFacts: Array<{ title: string; sentence: number }> = [];
  requireArray(record, 'paragraphs').forEach((paragraph, index) => {
    if (!isObject(paragraph)) throw new RecordError(`$.paragraphs[${index}]: expected an object, received ${describeValue(paragraph)}`);
    const title = typeof paragraph.title === 'string' ? paragraph.title : '';
    const text = paragraph.paragraph_text;
    if (typeof text !== 'string') throw new RecordError(`$.paragraphs[${index}].paragraph_text: expected a string, received ${describeValue(text)}`);
    documents.push({ id: corpusIdFromTitleAndText(title, text), title, text });
    // MuSiQue marks support per paragraph, not per sentence: the fact points at the paragraph's first sentence.
    if (paragraph.is_supporting === true) supportingFacts.push({ title, sentence: 0 });
  });
  const decomposition = record.question_decomposition === undefined ? [] : requireArray(record, 'question_decomposition');
  const solution = decomposition.map((step, index) => {
    if (!isObject(step)) throw new RecordError(`$.question_decomposition[${index}]: expected an object, received ${describeValue(step)}`);
    return `${index + 1}. ${requireText(step, 'question')} -> ${optionalText(step, 'answer') ?? '?'}`;
  });
  const answerable = record.answerable;
  if (answerable !== undefined && typeof answerable !== 'boolean') {
    throw new RecordError(`$.answerable: expected a boolean, received ${describeValue(answerable)}`);
  }
  return [{
    row: {
      id: optionalText(record, 'id') ?? `musique-${context.position}`,
      question: requireText(record, 'question'),
      answer: requireText(record, 'answer'),
      aliases: optionalTextList(record, 'answer_aliases'),
      task: 'qa',
      source: 'musique',
      supportingFacts,
      goldSolution: solution.length > 0 ? solution.join('\n') : undefined,
      answerable: answerable ?? true,
    },
    documents,
  }];
}
