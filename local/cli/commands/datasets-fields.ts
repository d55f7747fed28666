// The --fields option: a JSON field mapping for the generic jsonl format, checked against the config schema.
import { describeIssues, FieldMappingSchema } from '../../../core/schemas';
import type { FieldMapping } from '../../../core/datasets';
import { CliError, EXIT_INVALID } from '../cli-error';

export function parseFieldMapping(text: string): FieldMapping {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--fields: expected a JSON object, received unparseable text (${(error as Error).message})`, EXIT_INVALID);
  }
  const result = FieldMappingSchema.safeParse(value);
  if (!result.success) throw new CliError(`--fields is invalid:\n  ${describeIssues(result.error, value).join('\n  ')}`, EXIT_INVALID);
  return result.data;
}
