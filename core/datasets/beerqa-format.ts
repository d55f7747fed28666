// BeerQA: {"id","src","question","answers":[…],"context":[[title, paragraph]…]}, one per line or the release's {"data":[…]} file.
import type { CorpusDocument } from '../schemas';
import { corpusIdFromTitleAndText } from './corpus-id';
import type { ParseContext, ParsedRecord } from './dataset-record';
import { describeValue, isObject, JsonObject, optionalText, optionalTextList, RecordError, requireObject, requireText } from './record-fields';

/** Context as [[title, text]] pairs (the release), or {title, text} objects some conversions write. */
function readContext(record: JsonObject): CorpusDocument[] {
  const context = record.context;
  if (context === undefined || context === null) return [];
  if (!Array.isArray(context)) throw new RecordError(`$.context: expected a list of [title, paragraph] pairs, received ${describeValue(context)}`);
  return context.map((entry, index) => {
    const [title, text] = Array.isArray(entry) ? entry : isObject(entry) ? [entry.title, entry.text ?? entry.paragraph_text] : [undefined, undefined];
    if (typeof title !== 'string' || typeof text !== 'string') {
      throw new RecordError(`$.context[${index}]: expected [title, paragraph], received ${describeValue(entry)}`);
    }
    return { id: corpusIdFromTitleAndText(title, text), title, text };
  });
}

export function parseBeerqaRecord(value: unknown, context: ParseContext): ParsedRecord[] {
  const record = requireObject(value);
  const answers = optionalTextList(record, record.answers !== undefined ? 'answers' : 'answer');
  if (answers.length === 0) throw new RecordError('$.answers: expected at least one answer, received none (unlabelled test questions cannot be judged)');
  const source = optionalText(record, 'src');
  return [{
    row: {
      id: optionalText(record, 'id') ?? `beerqa-${context.position}`,
      question: requireText(record, 'question'),
      answer: answers[0],
      aliases: answers.slice(1),
      task: 'qa',
      source: source ? `beerqa/${source}` : 'beerqa',
    },
    documents: readContext(record),
  }];
}
