// `swirl validate <config.json>`: print the resolved config, or one line per problem and exit 2.
import type { Command } from 'commander';
import { ConfigValidationError, MAX_CONFIG_BYTES, parseRunConfigText } from '../../../core/run';
import { CliError, EXIT_INVALID } from '../cli-error';
import { readTextFile } from '../cli-files';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check a run config; print it with every default filled in (exit 0), or each problem with its JSON path (exit 2).')
    .argument('<config>', 'run config JSON file')
    .action((file: string) => {
      const text = readTextFile(file, MAX_CONFIG_BYTES);
      try {
        const config = parseRunConfigText(text, file);
        process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
      } catch (error) {
        if (error instanceof ConfigValidationError) throw new CliError(error.message, EXIT_INVALID);
        throw error;
      }
    });
}
