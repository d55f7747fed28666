// Options shared by `swirl demo` and `swirl ablate`: sizes and filter strategies read from the command line.
import { FILTER_STRATEGIES, FilterStrategy } from '../../core/schemas/run-config';
import { CliError, EXIT_INVALID } from '../cli/cli-error';
import { DemoSize } from './demo-config';

export interface DemoCommandOptions {
  json?: boolean;
  keep?: boolean;
  plain?: boolean;
  questions?: string;
  evalQuestions?: string;
  trainSteps?: string;
  filter?: string;
  runId?: string;
  output?: string;
  endpoint?: string;
  bucket?: string;
}

export function parsePositiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new CliError(`--${name}: expected a positive integer, received ${JSON.stringify(value)}`, EXIT_INVALID);
  return number;
}

/** Sizes from the command line over the defaults. */
export function readDemoSize(options: DemoCommandOptions): Partial<DemoSize> {
  return {
    questions: parsePositiveInteger('questions', options.questions),
    evalQuestions: parsePositiveInteger('eval-questions', options.evalQuestions),
    trainSteps: parsePositiveInteger('train-steps', options.trainSteps),
  };
}

export function parseStrategies(value: string | undefined): FilterStrategy[] {
  if (value === undefined) return [...FILTER_STRATEGIES];
  const strategies = value.split(',').map((part) => part.trim()).filter(Boolean);
  for (const strategy of strategies) {
    if (!(FILTER_STRATEGIES as readonly string[]).includes(strategy)) {
      throw new CliError(`--strategies: expected a comma-separated list of ${FILTER_STRATEGIES.join(' | ')}, received ${JSON.stringify(strategy)}`, EXIT_INVALID);
    }
  }
  if (strategies.length === 0) throw new CliError('--strategies: expected at least one strategy, received none', EXIT_INVALID);
  return strategies as FilterStrategy[];
}
