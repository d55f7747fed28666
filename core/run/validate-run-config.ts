// Validates a run config: the zod schema first, then the rules that span several fields.
import { describeIssues, DatasetRef, RUN_ID_PATTERN, RunConfig, RunConfigSchema } from '../schemas';
import { ConfigValidationError } from './config-validation-error';
import { DatasetSourceError, parseDatasetSource } from './dataset-source';
import { parseConfigJson } from './parse-config-json';

function checkDatasetReference(reference: DatasetRef, path: string): string[] {
  const problems: string[] = [];
  if (reference.fields && reference.format !== 'jsonl') {
    problems.push(`${path}.fields: expected no field mapping for format ${JSON.stringify(reference.format)} (only "jsonl" takes one), received an object`);
  }
  try {
    // Local files are a runtime question (which machine reads them), so only the syntax is checked here.
    const source = parseDatasetSource(reference.source, { allowLocalFiles: true, split: reference.split });
    if (source.kind === 'builtin' && source.family !== reference.format) {
      problems.push(`${path}.format: expected ${JSON.stringify(source.family)} for source ${JSON.stringify(reference.source)}, received ${JSON.stringify(reference.format)}`);
    }
  } catch (error) {
    if (!(error instanceof DatasetSourceError)) throw error;
    problems.push(`${path}.source: ${error.message.replace(/^dataset source /, 'expected a valid source, received ')}`);
  }
  return problems;
}

/** Problems with a parsed config that the schema alone cannot see. */
export function checkRunConfigRules(config: RunConfig): string[] {
  const problems = checkDatasetReference(config.dataset, '$.dataset');
  const names = new Set<string>();
  config.eval.forEach((set, index) => {
    problems.push(...checkDatasetReference(set, `$.eval[${index}]`));
    if (names.has(set.name)) problems.push(`$.eval[${index}].name: expected a unique eval set name, received ${JSON.stringify(set.name)} twice`);
    names.add(set.name);
  });
  return problems;
}

/** The run id a config claims, if it is a valid one (used to report failures in the run's status). */
export function recoverRunId(input: unknown): string | undefined {
  const runId = typeof input === 'object' && input !== null ? (input as { runId?: unknown }).runId : undefined;
  return typeof runId === 'string' && RUN_ID_PATTERN.test(runId) ? runId : undefined;
}

/** Parses, fills defaults and checks a config; throws ConfigValidationError with one line per problem. */
export function validateRunConfig(input: unknown, label = 'run config'): RunConfig {
  const result = RunConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigValidationError(label, describeIssues(result.error, input), recoverRunId(input));
  const problems = checkRunConfigRules(result.data);
  if (problems.length > 0) throw new ConfigValidationError(label, problems, result.data.runId);
  return result.data;
}

/** JSON text → validated config; unparseable text is a validation problem of its own. */
export function parseRunConfigText(text: string, label = 'run config'): RunConfig {
  const parsed = parseConfigJson(text);
  if (parsed.problem !== undefined) throw new ConfigValidationError(label, [parsed.problem]);
  return validateRunConfig(parsed.value, label);
}
