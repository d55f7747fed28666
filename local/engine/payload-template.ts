// Evaluates JSONPath payload templates (ItemSelector, ItemReader Parameters…) with the interpreter's own rules, via a one-state Pass machine.
import './promise-polyfill';
import { StateMachine } from 'aws-local-stepfunctions';
import { JsonValue } from './asl-types';

type LibraryDefinition = ConstructorParameters<typeof StateMachine>[0];
type LibraryInput = Parameters<StateMachine['run']>[0];

/** Applies `template` to `input` with `context` as the `$$` object; intrinsic functions work as in AWS. */
export async function evaluatePayloadTemplate(template: JsonValue, input: JsonValue, context: Record<string, unknown> = {}): Promise<JsonValue> {
  const definition = { StartAt: 'Evaluate', States: { Evaluate: { Type: 'Pass', Parameters: template, End: true } } };
  const machine = new StateMachine(definition as unknown as LibraryDefinition, { validationOptions: { noValidate: true } });
  const execution = machine.run(input as LibraryInput, { context });
  try {
    return (await execution.result) as JsonValue;
  } catch (error) {
    const cause = (error as { cause?: Error }).cause ?? (error as Error);
    throw new Error(`payload template ${JSON.stringify(template)} could not be applied: ${cause.message}`);
  }
}

/** Reads one JSONPath (`$.a.b`, `$$.Map.Item.Value`) from the input or context. */
export async function readPath(path: string, input: JsonValue, context: Record<string, unknown> = {}): Promise<JsonValue> {
  const result = (await evaluatePayloadTemplate({ 'value.$': path }, input, context)) as { value: JsonValue };
  return result.value;
}

/** Evaluates a `Field` / `Field.$` pair from a state definition, if either is present. */
export async function readFieldOrPath(state: Record<string, unknown>, field: string, input: JsonValue): Promise<JsonValue | undefined> {
  if (state[field] !== undefined) return state[field] as JsonValue;
  const path = state[`${field}Path`];
  if (typeof path === 'string') return readPath(path, input);
  return undefined;
}
