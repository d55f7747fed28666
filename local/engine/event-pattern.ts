// EventBridge event patterns and input transformers, evaluated locally the way the rule in the template would.
import { JsonObject, JsonValue } from './asl-types';

function matchesOne(condition: JsonValue, value: JsonValue | undefined, present: boolean): boolean {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return present && value === condition;
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  const text = typeof value === 'string' ? value : undefined;
  switch (operator) {
    case 'exists':
      return operand === present;
    case 'prefix':
      return text !== undefined && (typeof operand === 'string' ? text.startsWith(operand) : text.toLowerCase().startsWith(String((operand as JsonObject)['equals-ignore-case']).toLowerCase()));
    case 'suffix':
      return text !== undefined && (typeof operand === 'string' ? text.endsWith(operand) : text.toLowerCase().endsWith(String((operand as JsonObject)['equals-ignore-case']).toLowerCase()));
    case 'equals-ignore-case':
      return text !== undefined && text.toLowerCase() === String(operand).toLowerCase();
    case 'wildcard':
      return text !== undefined && wildcardToRegExp(String(operand)).test(text);
    case 'anything-but': {
      if (!present) return false;
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.some((item) => (item !== null && typeof item === 'object' ? matchesOne(item, value, present) : item === value));
    }
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(operand as JsonValue[], value);
    default:
      throw new Error(`event pattern operator ${JSON.stringify(operator)} is not supported locally`);
  }
}

function wildcardToRegExp(wildcard: string): RegExp {
  const escaped = wildcard.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`, 's');
}

function matchesNumeric(conditions: JsonValue[], value: number): boolean {
  for (let index = 0; index < conditions.length; index += 2) {
    const operator = conditions[index];
    const bound = Number(conditions[index + 1]);
    const ok = operator === '=' ? value === bound : operator === '<' ? value < bound : operator === '<=' ? value <= bound : operator === '>' ? value > bound : operator === '>=' ? value >= bound : false;
    if (!ok) return false;
  }
  return true;
}

/** True when `event` matches `pattern` (exact values, prefix, suffix, wildcard, anything-but, exists, numeric, equals-ignore-case). */
export function matchesEventPattern(pattern: JsonObject, event: JsonValue): boolean {
  const object = event !== null && typeof event === 'object' && !Array.isArray(event) ? (event as JsonObject) : {};
  return Object.entries(pattern).every(([field, condition]) => {
    const present = Object.prototype.hasOwnProperty.call(object, field);
    const value = object[field];
    if (Array.isArray(condition)) {
      const values = Array.isArray(value) ? value : [value];
      return condition.some((option) => values.some((candidate) => matchesOne(option, candidate, present)));
    }
    if (condition !== null && typeof condition === 'object') return present && matchesEventPattern(condition as JsonObject, value ?? null);
    throw new Error(`event pattern field ${JSON.stringify(field)}: expected an array or an object, received ${JSON.stringify(condition)}`);
  });
}

/** Reads a simple JSONPath (`$.detail.object.key`) from an event. */
export function readEventPath(event: JsonValue, path: string): JsonValue | undefined {
  if (path === '$') return event;
  let current: JsonValue | undefined = event;
  for (const part of path.replace(/^\$\.?/, '').split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as JsonObject)[part];
  }
  return current;
}

/** Fills `<name>` placeholders: inside a JSON string a value goes in as escaped text, elsewhere as JSON (EventBridge's rule). */
function fillInputTemplate(template: string, values: Record<string, JsonValue | undefined>): string {
  let output = '';
  let inString = false;
  for (let index = 0; index < template.length; index += 1) {
    const character = template[index];
    if (character === '"' && template[index - 1] !== '\\') inString = !inString;
    if (character === '<') {
      const close = template.indexOf('>', index);
      const name = close > index ? template.slice(index + 1, close) : '';
      if (name in values) {
        const value = values[name] ?? null;
        const json = JSON.stringify(value);
        output += inString ? (typeof value === 'string' ? json.slice(1, -1) : JSON.stringify(json).slice(1, -1)) : json;
        index = close;
        continue;
      }
    }
    output += character;
  }
  return output;
}

export interface RuleTarget {
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
}

/** What the target receives: Input, InputPath, InputTransformer, or the whole event. */
export function renderTargetInput(target: RuleTarget, event: JsonValue): JsonValue {
  if (target.Input !== undefined) return JSON.parse(target.Input) as JsonValue;
  if (target.InputPath !== undefined) return readEventPath(event, target.InputPath) ?? null;
  if (!target.InputTransformer) return event;
  const values: Record<string, JsonValue | undefined> = {};
  for (const [name, path] of Object.entries(target.InputTransformer.InputPathsMap ?? {})) values[name] = readEventPath(event, path);
  values['aws.events.event'] = event;
  values['aws.events.event.json'] = event;
  const rendered = fillInputTemplate(target.InputTransformer.InputTemplate, values);
  try {
    return JSON.parse(rendered) as JsonValue;
  } catch {
    return rendered;
  }
}
