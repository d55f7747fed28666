// Generic JSON Lines with a field mapping (id, question, answer, aliases; dotted paths reach nested fields).
import { FieldMappingSchema } from '../schemas';
import type { ParseContext, ParsedRecord } from './dataset-record';
import { describeValue, RecordError, requireObject, valueAtPath } from './record-fields';

function readText(value: unknown, path: string, required: boolean): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (!required && (value === undefined || value === null)) return undefined;
  throw new RecordError(`$.${path}: expected a non-empty string, received ${describeValue(value)}`);
}

export function parseJsonlRecord(value: unknown, context: ParseContext): ParsedRecord[] {
  const record = requireObject(value);
  const fields = FieldMappingSchema.parse(context.fields ?? {});
  let answerValue = valueAtPath(record, fields.answer);
  let aliases: string[] = [];
  // A list answer means "any of these": the first is the answer, the rest aliases.
  if (Array.isArray(answerValue)) {
    aliases = answerValue.slice(1).map((item, index) => readText(item, `${fields.answer}[${index + 1}]`, true)!);
    answerValue = answerValue[0];
  }
  if (fields.aliases) {
    const extra = valueAtPath(record, fields.aliases);
    const list = extra === undefined || extra === null ? [] : Array.isArray(extra) ? extra : [extra];
    aliases.push(...list.map((item, index) => readText(item, `${fields.aliases}[${index}]`, true)!));
  }
  return [{
    row: {
      id: readText(valueAtPath(record, fields.id), fields.id, false) ?? `jsonl-${context.position}`,
      question: readText(valueAtPath(record, fields.question), fields.question, true)!,
      answer: readText(answerValue, fields.answer, true)!,
      aliases,
      task: fields.task,
      source: 'jsonl',
    },
    documents: [],
  }];
}
