// The RunConfig JSON Schema that editors use to complete and check configs (schemas/run-config.schema.json).
import { z } from 'zod';
import { RunConfigSchema } from '../schemas';

export const RUN_CONFIG_SCHEMA_FILE = 'schemas/run-config.schema.json';

/** The input side of the schema: fields with defaults are optional, as a config author sees them. */
export function buildRunConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RunConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://swirl.local/schemas/run-config.schema.json',
    title: 'Swirl run config',
    description: 'A run config dropped into configs/<run>.json: dataset, tools, policy and judge models, filtering, training, evaluation, budgets and concurrency.',
  };
}

/** The committed file's exact text (two-space JSON and a final newline). */
export function renderRunConfigJsonSchema(): string {
  return `${JSON.stringify(buildRunConfigJsonSchema(), null, 2)}\n`;
}
