// The `swirl` command line: each command lives in commands/<name>.ts and is registered by one line below.
import { Command, CommanderError } from 'commander';
import { CliError, EXIT_INVALID } from './cli-error';
import { registerDatasetsCommand } from './commands/datasets';
import { registerValidateCommand } from './commands/validate';
import { registerRunCommand } from './commands/run';
import { registerStatusCommand } from './commands/status';
import { registerSubmitCommand } from './commands/submit';
import { registerUpCommand } from './commands/up';
import { registerDemoCommand } from './commands/demo';
import { registerAblateCommand } from './commands/ablate';
import { exitQuietlyOnBrokenPipe } from './exit-on-broken-pipe';

/**
 * Commands, in the order `swirl --help` lists them. To add one, write commands/<name>.ts exporting
 * `register<Name>Command(program)` and add its line here.
 */
const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerValidateCommand,
  registerDatasetsCommand,
  registerRunCommand,
  registerStatusCommand,
  registerSubmitCommand,
  registerUpCommand,
  registerDemoCommand,
  registerAblateCommand,
];

export function createProgram(): Command {
  const program = new Command('swirl')
    .description('Step-wise reinforcement learning for multi-step tool use: prepare, roll out, judge, train and evaluate runs on AWS or locally.')
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors exit 2 like invalid input; --help and --version exit 0.
    .exitOverride((error: CommanderError) => {
      throw error.exitCode === 0 ? error : new CliError(error.message, EXIT_INVALID);
    });
  for (const register of COMMANDS) register(program);
  return program;
}

export async function runCli(argv: string[] = process.argv): Promise<number> {
  // Local runs may read dataset files from this machine; Lambdas never can.
  process.env.SWIRL_ALLOW_LOCAL_FILES ??= '1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  exitQuietlyOnBrokenPipe();
  try {
    await createProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode;
    }
    if (error instanceof CliError) {
      // Commander has already printed its own usage errors.
      if (!error.message.startsWith('error:')) process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  runCli().then((code) => {
    process.exitCode = code;
  });
}
