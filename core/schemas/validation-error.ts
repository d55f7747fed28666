// Turns zod issues into one readable line per problem: JSON path, what was expected, what was received.
import { z } from 'zod';

export class ValidationError extends Error {
  readonly problems: string[];
  constructor(label: string, problems: string[]) {
    super(`${label} is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

/** A received value as an error message names it; strings longer than maxLength are cut short. */
export function describeReceived(value: unknown, maxLength = 60): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > maxLength ? `${value.slice(0, maxLength - 3)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key as string];
  }
  return current;
}

export function formatPath(path: PropertyKey[]): string {
  let text = '$';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return text;
}

/** One line per issue: `$.path: expected …, received …`. */
export function describeIssues(error: z.ZodError, input: unknown): string[] {
  return error.issues.map((issue) => {
    const where = formatPath(issue.path);
    const received = describeReceived(valueAt(input, issue.path));
    switch (issue.code) {
      case 'unrecognized_keys':
        return `${where}: expected only known keys, received unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      case 'invalid_type':
        return `${where}: expected ${issue.expected}, received ${received}`;
      case 'invalid_value':
        return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, received ${received}`;
      case 'too_small':
        return `${where}: expected ${issue.origin === 'array' || issue.origin === 'string' ? 'length ' : ''}${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, received ${received}`;
      case 'too_big':
        return `${where}: expected ${issue.origin === 'array' || issue.origin === 'string' ? 'length ' : ''}${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, received ${received}`;
      case 'invalid_format':
        return `${where}: expected ${issue.message.startsWith('Invalid') ? `a valid ${issue.format}` : issue.message}, received ${received}`;
      default:
        return `${where}: expected ${issue.message.replace(/^Invalid discriminator value\.\s*Expected\s*/i, 'one of ').replace(/^Invalid input:?\s*/i, '') || 'a valid value'}, received ${received}`;
    }
  });
}

/** Parses `input` with `schema` or throws a ValidationError naming every problem. */
export function parseWith<T extends z.ZodType>(schema: T, input: unknown, label: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(label, describeIssues(result.error, input));
  return result.data;
}
