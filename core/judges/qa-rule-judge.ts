// Heuristic process judge for multi-hop QA (HotPotQA, hop): checks retrieval against supporting facts and answers against retrieved text.
import { DatasetRow } from '../schemas/dataset-row';
import { Step } from '../schemas/step';
import { RuleVerdict } from './math-rule-judge';
import { resultOfToolMessage } from './context-numbers';
import { normalizeAnswer } from './qa-answer-match';

export const QA_RULE_JUDGE = 'rule:qa';

/** The result part of a "QUERY -> RESULT" tool message. */
export function stripQueryEcho(toolResult: string, query: string): string {
  const prefix = `${query} -> `;
  if (toolResult.startsWith(prefix)) return toolResult.slice(prefix.length);
  const arrow = toolResult.indexOf(' -> ');
  return arrow >= 0 && toolResult.slice(0, arrow).trim() === query.trim() ? toolResult.slice(arrow + 4) : toolResult;
}

/** Retrieved text in context: every user message that follows a model output (the tool results). */
function collectRetrievedText(step: Step): string {
  const parts: string[] = [];
  let afterModel = false;
  for (const message of step.context) {
    if (message.role === 'assistant') afterModel = true;
    else if (message.role === 'user' && afterModel) parts.push(resultOfToolMessage(message.content));
  }
  return parts.join('\n\n');
}

const HEADER = /^(.{1,300}?): /;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether retrieved text holds the paragraph titled `title`. The search tool writes each document as
 * "Title: text", paragraphs separated by blank lines, so titles are read from those headers; text in
 * another shape falls back to the title appearing as a whole phrase, case-sensitively.
 */
export function containsTitle(text: string, title: string): boolean {
  const wanted = title.trim().toLowerCase();
  let sawHeader = false;
  for (const paragraph of text.split(/\n\s*\n/)) {
    const trimmed = paragraph.trim();
    if (!HEADER.test(trimmed)) continue;
    sawHeader = true;
    if (trimmed.toLowerCase().startsWith(`${wanted}: `)) return true;
  }
  if (sawHeader) return false;
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(title.trim())}($|[^\\p{L}\\p{N}])`, 'u').test(text);
}

/**
 * The retrieved text an answer may be read from when the question has supporting facts: the paragraphs of
 * supporting pages, so an answer found only on a distractor page is not evidence. Text without
 * "Title: text" headers cannot be split by page and counts whole.
 */
export function selectSupportingText(text: string, titles: readonly string[]): string {
  const paragraphs = text.split(/\n\s*\n/).map((paragraph) => paragraph.trim());
  if (!paragraphs.some((paragraph) => HEADER.test(paragraph))) return text;
  const wanted = titles.map((title) => `${title.trim().toLowerCase()}: `);
  return paragraphs.filter((paragraph) => wanted.some((prefix) => paragraph.toLowerCase().startsWith(prefix))).join('\n\n');
}

/** The supporting facts with their sentences when every fact carries one, else null (the judge then reads whole pages). */
export function readSupportingSentences(question: Pick<DatasetRow, 'supportingFacts'>): { title: string; text: string }[] | null {
  const sentences: { title: string; text: string }[] = [];
  for (const fact of question.supportingFacts) {
    if (fact.text === undefined) return null;
    sentences.push({ title: fact.title, text: fact.text });
  }
  return sentences.length > 0 ? sentences : null;
}

function containsPhrase(text: string, phrase: string): boolean {
  const haystack = ` ${normalizeAnswer(text)} `;
  const needle = normalizeAnswer(phrase);
  return needle !== '' && haystack.includes(` ${needle} `);
}

/**
 * A search step is GOOD when its result holds a supporting-fact paragraph (matched by title). An answer
 * needs sufficient evidence: when the question has supporting facts, every supporting paragraph must have
 * been retrieved before it (so an answer given before the last hop of a chain was read is BAD, even when
 * an intermediate entity happens to be in retrieved text), and, unless it is yes/no, the answer must appear
 * in the retrieved supporting paragraphs (not only on a distractor page). Without supporting facts an
 * answer is GOOD when it appears in retrieved text, a yes/no answer is `unknown`, and a search cannot be
 * checked and is `unknown`. When every supporting fact carries its sentence, the answer must also appear in
 * one of those sentences: a supporting page states more than the question asks (a person's birthplace beside
 * the employer the question wants), and only the sentences say which of its facts is the evidence.
 */
export function judgeQaStep(step: Step, question: DatasetRow): RuleVerdict {
  const action = step.parsedAction;
  if (action.type === 'invalid') return { verdict: 'BAD', rationale: `invalid action (${action.reason}): ${action.detail}` };
  const titles = [...new Set(question.supportingFacts.map((fact) => fact.title))];
  if (action.type === 'tool_call') {
    if (action.tool !== 'search') return { verdict: 'unknown', rationale: `the QA rule judges search steps and answers, not "${action.tool}"` };
    if (titles.length === 0) return { verdict: 'unknown', rationale: 'the question has no supporting facts to check retrieval against' };
    const result = stripQueryEcho(step.toolResult ?? '', action.input);
    const found = titles.filter((title) => containsTitle(result, title));
    return found.length > 0
      ? { verdict: 'GOOD', rationale: `retrieved supporting paragraph(s): ${found.join('; ')}` }
      : { verdict: 'BAD', rationale: 'retrieved no supporting paragraph' };
  }
  const retrieved = collectRetrievedText(step);
  const answer = normalizeAnswer(action.answer);
  if (answer === '') return { verdict: 'BAD', rationale: 'empty answer' };
  const yesOrNo = answer === 'yes' || answer === 'no';
  if (yesOrNo && titles.length === 0) return { verdict: 'unknown', rationale: 'a yes/no answer cannot be checked without supporting facts' };
  const missing = titles.filter((title) => !containsTitle(retrieved, title));
  if (missing.length > 0) return { verdict: 'BAD', rationale: `answered before retrieving every supporting paragraph; missing: ${missing.join('; ')}` };
  if (yesOrNo) return { verdict: 'GOOD', rationale: 'every supporting paragraph was retrieved before the yes/no answer' };
  if (titles.length === 0) {
    return containsPhrase(retrieved, action.answer)
      ? { verdict: 'GOOD', rationale: 'the answer appears in retrieved text' }
      : { verdict: 'BAD', rationale: 'the answer does not appear in retrieved text' };
  }
  if (!containsPhrase(selectSupportingText(retrieved, titles), action.answer)) {
    return { verdict: 'BAD', rationale: 'the answer does not appear in the retrieved supporting paragraphs' };
  }
  const sentences = readSupportingSentences(question);
  if (sentences !== null && !sentences.some((sentence) => containsPhrase(sentence.text, action.answer))) {
    return { verdict: 'BAD', rationale: 'the answer is on a supporting page but in none of its supporting sentences' };
  }
  return { verdict: 'GOOD', rationale: 'every supporting paragraph was retrieved and the answer appears in them' };
}
