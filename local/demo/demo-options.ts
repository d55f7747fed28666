// Options shared by `swirl demo` and `swirl ablate`: sizes and filter strategies read from the command line.
import type { Command } from 'commander';
import { FILTER_STRATEGIES, FilterStrategy } from '../../core/schemas/run-config';
import { CliError, EXIT_INVALID } from '../cli/cli-error';
import { DEFAULT_DEMO_SIZE, DemoSize } from './demo-config';

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

/** Adds the size and store options both commands take. */
export function addDemoRunOptions(command: Command): Command {
  return command
    .option('--questions <n>', `training questions (default ${DEFAULT_DEMO_SIZE.questions})`)
    .option('--eval-questions <n>', `questions per eval set (default ${DEFAULT_DEMO_SIZE.evalQuestions})`)
    .option('--train-steps <n>', `optimizer steps per trained model (default ${DEFAULT_DEMO_SIZE.trainSteps})`)
    .option('--endpoint <url>', 'S3 endpoint instead of the embedded server (env SWIRL_S3_ENDPOINT)')
    .option('--bucket <name>', 'bucket (env SWIRL_BUCKET, default swirl-local)')
    .option('--plain', 'plain log lines instead of progress bars');
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
