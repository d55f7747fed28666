// Run config validation: defaults, errors that keep the run id, the committed JSON schema and the examples.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigValidationError, parseRunConfigText, validateRunConfig } from '../../../core/run';
import { renderRunConfigJsonSchema, RUN_CONFIG_SCHEMA_FILE } from '../../../core/run/run-config-json-schema';

const ROOT = join(__dirname, '..', '..', '..');
const minimal = { runId: 'r1', dataset: { source: 'datasets/gsm8k-train', format: 'gsm8k' }, policy: { provider: 'trainer', model: 'builtin:tiny-policy' } };

function problemsOf(input: unknown): string[] {
  try {
    validateRunConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('validateRunConfig', () => {
  it('fills defaults', () => {
    const config = validateRunConfig(minimal);
    expect(config.samplesPerQuestion).toBe(5);
    expect(config.filter).toBe('process');
    expect(config.concurrency.questionsPerShard).toBe(50);
    expect(config.judge).toEqual({ provider: 'rule', model: 'rule' });
  });

  it.each([
    ['a missing dataset', { ...minimal, dataset: undefined }, '$.dataset: expected object, received nothing (missing)'],
    ['a negative sample count', { ...minimal, samplesPerQuestion: -1 }, '$.samplesPerQuestion: expected > 0, received number -1'],
    ['an unknown filter', { ...minimal, filter: 'best' }, '$.filter: expected one of "none" | "process" | "outcome" | "process+outcome", received "best"'],
    ['an unknown key', { ...minimal, sampels: 3 }, '$: expected only known keys, received unknown key(s) "sampels"'],
    ['a run id with ../', { ...minimal, runId: '../other' }, '$.runId: expected a run id matching [a-z0-9][a-z0-9-]{0,62}, received "../other"'],
    ['a field mapping on a non-jsonl format', { ...minimal, dataset: { ...minimal.dataset, fields: {} } }, '$.dataset.fields: expected no field mapping for format "gsm8k" (only "jsonl" takes one), received an object'],
    ['a builtin source with the wrong format', { ...minimal, dataset: { source: 'builtin:hop:train', format: 'arith' } }, '$.dataset.format: expected "hop" for source "builtin:hop:train", received "arith"'],
  ])('rejects %s', (_name, input, problem) => {
    expect(problemsOf(input)).toContain(problem);
  });

  it('keeps the run id of a config that is otherwise wrong, so its failure can be recorded', () => {
    expect(() => validateRunConfig({ ...minimal, filter: 'x' })).toThrow(expect.objectContaining({ name: 'ConfigValidationError', runId: 'r1' }));
    expect(() => parseRunConfigText('{"runId": ')).toThrow(/\$: expected JSON, received unparseable text/);
  });
});

describe('committed schema and examples', () => {
  it('schemas/run-config.schema.json matches the zod schema (regenerate: npx tsx scripts/export-config-schema.ts)', () => {
    expect(readFileSync(join(ROOT, RUN_CONFIG_SCHEMA_FILE), 'utf8')).toBe(renderRunConfigJsonSchema());
  });

  const examples = ['gsm8k.json', 'hotpotqa.json', 'bedrock.json', 'openai-compatible.json'];
  it.each(examples)('examples/%s validates', (file) => {
    const config = parseRunConfigText(readFileSync(join(ROOT, 'examples', file), 'utf8'), file);
    expect(config.runId).toMatch(/^[a-z0-9-]+$/);
  });

  it('every example config in examples/ validates', () => {
    const files = readdirSync(join(ROOT, 'examples')).filter((file) => file.endsWith('.json'));
    expect(files).toEqual(expect.arrayContaining(examples));
    for (const file of files) expect(() => parseRunConfigText(readFileSync(join(ROOT, 'examples', file), 'utf8'), file)).not.toThrow();
  });
});
