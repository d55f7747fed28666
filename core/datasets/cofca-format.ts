// CofCA (counterfactual multi-hop QA): read leniently, since releases differ in how they name passages and sub-questions.
import type { CorpusDocument } from '../schemas';
import { corpusIdFromTitleAndText } from './corpus-id';
import type { ParseContext, ParsedRecord } from './dataset-record';
import { describeValue, firstPresent, isObject, JsonObject, optionalText, optionalTextList, RecordError, requireObject, requireText } from './record-fields';

const PASSAGE_KEYS = ['passages', 'paragraphs', 'context', 'passage'] as const;
const SUBQUESTION_KEYS = ['sub_questions', 'subquestions', 'sub_qas', 'question_decomposition'] as const;

function readPassage(entry: unknown, where: string): CorpusDocument {
  let title = '';
  let text: unknown = entry;
  if (Array.isArray(entry) && entry.length === 2) [title, text] = [String(entry[0]), entry[1]];
  else if (isObject(entry)) {
    title = typeof entry.title === 'string' ? entry.title : '';
    text = entry.text ?? entry.paragraph_text ?? entry.passage ?? entry.content;
  }
  if (Array.isArray(text) && text.every((part) => typeof part === 'string')) text = text.join(' ');
  if (typeof text !== 'string') throw new RecordError(`${where}: expected a passage (string, [title, text] or {title, text}), received ${describeValue(entry)}`);
  return { id: corpusIdFromTitleAndText(title, text), title, text };
}

function readPassages(record: JsonObject): CorpusDocument[] {
  const key = firstPresent(record, PASSAGE_KEYS);
  if (!key) return [];
  const value = record[key];
  if (typeof value === 'string') return [readPassage(value, `$.${key}`)];
  if (!Array.isArray(value)) throw new RecordError(`$.${key}: expected a list of passages, received ${describeValue(value)}`);
  return value.map((entry, index) => readPassage(entry, `$.${key}[${index}]`));
}

function readSubQuestions(record: JsonObject): string[] {
  const key = firstPresent(record, SUBQUESTION_KEYS);
  if (!key) return [];
  const value = record[key];
  if (!Array.isArray(value)) throw new RecordError(`$.${key}: expected a list of sub-questions, received ${describeValue(value)}`);
  return value.map((step, index) => {
    if (typeof step === 'string') return `${index + 1}. ${step}`;
    if (!isObject(step)) throw new RecordError(`$.${key}[${index}]: expected {question, answer}, received ${describeValue(step)}`);
    return `${index + 1}. ${requireText(step, 'question')} -> ${optionalText(step, 'answer') ?? '?'}`;
  });
}

export function parseCofcaRecord(value: unknown, context: ParseContext): ParsedRecord[] {
  const record = requireObject(value);
  const answerKey = firstPresent(record, ['answer', 'answers']) ?? 'answer';
  const answers = optionalTextList(record, answerKey);
  if (answers.length === 0 || answers[0].trim() === '') throw new RecordError(`$.${answerKey}: expected an answer, received ${describeValue(record[answerKey])}`);
  const steps = readSubQuestions(record);
  return [{
    row: {
      id: optionalText(record, 'id') ?? optionalText(record, '_id') ?? `cofca-${context.position}`,
      question: requireText(record, 'question'),
      answer: answers[0],
      aliases: [...answers.slice(1), ...optionalTextList(record, 'answer_aliases')],
      task: 'qa',
      source: 'cofca',
      goldSolution: steps.length > 0 ? steps.join('\n') : undefined,
    },
    documents: readPassages(record),
  }];
}
