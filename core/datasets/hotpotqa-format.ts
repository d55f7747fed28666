// HotPotQA: question, answer, supporting facts, and ten context paragraphs that join the split's search corpus.
import type { CorpusDocument } from '../schemas';
import { corpusIdFromTitle } from './corpus-id';
import type { ParseContext, ParsedRecord } from './dataset-record';
import { describeValue, isObject, JsonObject, optionalText, RecordError, requireObject, requireText } from './record-fields';

interface Paragraph {
  title: string;
  sentences: string[];
}

function toSentences(value: unknown, where: string): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((sentence) => typeof sentence !== 'string')) {
    throw new RecordError(`${where}: expected a list of sentences, received ${describeValue(value)}`);
  }
  return value as string[];
}

/** Context as the Hugging Face columns {title:[], sentences:[[]]} or the original [[title, [sentences]]] pairs. */
function readParagraphs(record: JsonObject): Paragraph[] {
  const context = record.context;
  if (isObject(context)) {
    const titles = context.title;
    const sentences = context.sentences;
    if (!Array.isArray(titles) || !Array.isArray(sentences) || titles.length !== sentences.length) {
      throw new RecordError(`$.context: expected {title: [...], sentences: [[...]]} of equal length, received title ${describeValue(titles)} and sentences ${describeValue(sentences)}`);
    }
    return titles.map((title, index) => {
      if (typeof title !== 'string') throw new RecordError(`$.context.title[${index}]: expected a string, received ${describeValue(title)}`);
      return { title, sentences: toSentences(sentences[index], `$.context.sentences[${index}]`) };
    });
  }
  if (Array.isArray(context)) {
    return context.map((pair, index) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
        throw new RecordError(`$.context[${index}]: expected [title, [sentences]], received ${describeValue(pair)}`);
      }
      return { title: pair[0], sentences: toSentences(pair[1], `$.context[${index}][1]`) };
    });
  }
  throw new RecordError(`$.context: expected paragraphs, received ${describeValue(context)}`);
}

/** Supporting facts as {title:[], sent_id:[]} or [[title, sentence]] pairs. */
function readSupportingFacts(record: JsonObject): Array<{ title: string; sentence: number }> {
  const facts = record.supporting_facts;
  if (facts === undefined || facts === null) return [];
  const pairs: unknown[][] = isObject(facts) && Array.isArray(facts.title) && Array.isArray(facts.sent_id)
    ? facts.title.map((title, index) => [title, (facts.sent_id as unknown[])[index]])
    : Array.isArray(facts) ? facts.map((pair) => (Array.isArray(pair) ? pair : [pair])) : [[facts]];
  return pairs.map(([title, sentence], index) => {
    if (typeof title !== 'string' || typeof sentence !== 'number' || !Number.isInteger(sentence) || sentence < 0) {
      throw new RecordError(`$.supporting_facts[${index}]: expected a title and a sentence index, received ${describeValue(title)} and ${describeValue(sentence)}`);
    }
    return { title, sentence };
  });
}

/** Each fact with its sentence's text; a fact pointing past its paragraph (it happens in the release) keeps none. */
function attachSentences(facts: Array<{ title: string; sentence: number }>, paragraphs: readonly Paragraph[]): Array<{ title: string; sentence: number; text?: string }> {
  return facts.map((fact) => {
    const text = paragraphs.find((paragraph) => paragraph.title === fact.title)?.sentences[fact.sentence]?.trim();
    return text ? { ...fact, text } : fact;
  });
}

export function paragraphDocument(paragraph: Paragraph): CorpusDocument {
  return { id: corpusIdFromTitle(paragraph.title), title: paragraph.title, text: paragraph.sentences.join('').trim() };
}

export function parseHotpotqaRecord(value: unknown, context: ParseContext): ParsedRecord[] {
  const record = requireObject(value);
  const paragraphs = readParagraphs(record);
  return [{
    row: {
      id: optionalText(record, 'id') ?? optionalText(record, '_id') ?? `hotpotqa-${context.position}`,
      question: requireText(record, 'question'),
      answer: requireText(record, 'answer'),
      task: 'qa',
      source: 'hotpotqa',
      supportingFacts: attachSentences(readSupportingFacts(record), paragraphs),
    },
    documents: paragraphs.map(paragraphDocument),
  }];
}
