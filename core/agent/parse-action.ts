// Parses a policy output into its one action: the first complete tagged action wins; malformed outputs become invalid actions.
import { Action } from '../schemas/action';

export const ACTION_LIMITS = {
  /** Longest final answer accepted, in characters. */
  maxAnswerLength: 2000,
  /** Longest tool input accepted, in characters. */
  maxToolInputLength: 2000,
} as const;

/** Tags of the method's built-in tools, recognised even when the run disabled the tool (so the call is reported, not ignored). */
export const BUILTIN_ACTION_TAGS = ['search_query', 'math_exp'] as const;
export const ANSWER_TAG = 'answer';

export interface ToolLookup {
  tags(): string[];
  findByTag(tag: string): { name: string } | undefined;
}

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function excerpt(text: string, length = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 3)}...` : flat;
}

// Patterns are compiled once per tag set; parsing runs for every model output.
const openingPatterns = new Map<string, RegExp>();
const closingPatterns = new Map<string, RegExp>();

function openingPattern(tags: string[]): RegExp {
  const key = tags.join('|');
  let pattern = openingPatterns.get(key);
  if (!pattern) openingPatterns.set(key, (pattern = new RegExp(`<\\s*(${tags.map(escapeForPattern).join('|')})\\s*>`, 'gi')));
  return pattern;
}

function closingPattern(tag: string): RegExp {
  let pattern = closingPatterns.get(tag);
  if (!pattern) closingPatterns.set(tag, (pattern = new RegExp(`<\\s*/\\s*${escapeForPattern(tag)}\\s*>`, 'gi')));
  return pattern;
}

/** Position of the first closing tag at or after `from`; remembered per tag so long outputs stay linear. */
function createClosingFinder(output: string): (tag: string, from: number) => number {
  const found = new Map<string, { from: number; at: number }>();
  return (tag, from) => {
    const known = found.get(tag);
    if (known && from >= known.from && (known.at === -1 || from <= known.at)) return known.at;
    const pattern = closingPattern(tag);
    pattern.lastIndex = from;
    const match = pattern.exec(output);
    const at = match ? match.index : -1;
    found.set(tag, { from, at });
    return at;
  };
}

export function parseAction(output: string, tools: ToolLookup): Action {
  const tags = [...new Set([...tools.tags(), ...BUILTIN_ACTION_TAGS, ANSWER_TAG])];
  const opening = openingPattern(tags);
  const findClosing = createClosingFinder(output);
  let firstUnclosed: string | null = null;
  opening.lastIndex = 0;
  for (let match = opening.exec(output); match !== null; match = opening.exec(output)) {
    const tag = match[1].toLowerCase();
    const start = match.index + match[0].length;
    const end = findClosing(tag, start);
    if (end === -1) {
      firstUnclosed ??= tag;
      continue;
    }
    return toAction(tag, output.slice(start, end).trim(), tools);
  }
  if (firstUnclosed !== null) {
    return { type: 'invalid', reason: 'unclosed_tag', detail: `<${firstUnclosed}> is never closed with </${firstUnclosed}>` };
  }
  return { type: 'invalid', reason: 'no_action', detail: `expected one of ${tags.map((tag) => `<${tag}>`).join(', ')}, received ${JSON.stringify(excerpt(output))}` };
}

function toAction(tag: string, input: string, tools: ToolLookup): Action {
  if (tag === ANSWER_TAG) {
    if (input === '') return { type: 'invalid', reason: 'empty_input', detail: '<answer> is empty' };
    if (input.length > ACTION_LIMITS.maxAnswerLength) {
      return { type: 'invalid', reason: 'too_long', detail: `<answer> holds ${input.length} characters: at most ${ACTION_LIMITS.maxAnswerLength}` };
    }
    return { type: 'answer', answer: input };
  }
  const tool = tools.findByTag(tag);
  if (!tool) return { type: 'invalid', reason: 'unknown_tool', detail: `<${tag}> is not an available tool in this run` };
  if (input === '') return { type: 'invalid', reason: 'empty_input', detail: `<${tag}> is empty` };
  if (input.length > ACTION_LIMITS.maxToolInputLength) {
    return { type: 'invalid', reason: 'too_long', detail: `<${tag}> holds ${input.length} characters: at most ${ACTION_LIMITS.maxToolInputLength}` };
  }
  return { type: 'tool_call', tool: tool.name, tag, input };
}
