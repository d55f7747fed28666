// `swirl ablate filters`: the demo run under each filter strategy (rollouts reused), one table of kept data and accuracy.
import path from 'node:path';
import type { Command } from 'commander';
import { FILTER_STRATEGIES } from '../../../core/schemas/run-config';
import { ablateFilters, formatAblationTable } from '../../demo/ablate-filters';
import { openDemoStore } from '../../demo/demo-store';
import { ensureTinyPolicy } from '../../demo/ensure-tiny-policy';
import { addDemoRunOptions, DemoCommandOptions, parseStrategies, readDemoSize } from '../../demo/demo-options';
import { PROJECT_ROOT } from './run';

interface AblateOptions extends DemoCommandOptions {
  strategies?: string;
}

export function registerAblateCommand(program: Command): void {
  const ablate = program.command('ablate').description('Ablations of the embedded default run.');
  const filters = ablate
    .command('filters')
    .description(`Run the embedded default under each filter strategy (${FILTER_STRATEGIES.join(', ')}): rollouts run once and are reused, `
      + 'then each strategy is assembled, trained (sft and swirl) and evaluated. Prints one table.');
  addDemoRunOptions(filters)
    .option('--strategies <list>', `comma-separated strategies (default ${FILTER_STRATEGIES.join(',')})`)
    .option('--json', 'also print the rows as one JSON line, the last line of the output')
    .option('--keep', 'keep the runs in the persistent embedded store (~/.cache/swirl/s3)')
    .option('--output <dir>', 'local folder for the reports', '.swirl/runs')
    .action(async (options: AblateOptions) => {
      const started = Date.now();
      const strategies = parseStrategies(options.strategies);
      const size = readDemoSize(options);
      await ensureTinyPolicy((line) => process.stderr.write(`tiny policy | ${line}\n`));
      const opened = await openDemoStore(options);
      try {
        const rows = await ablateFilters({
          objects: opened.objects,
          root: PROJECT_ROOT,
          outputDirectory: path.resolve(options.output ?? '.swirl/runs'),
          stream: process.stderr,
          interactive: options.plain ? false : undefined,
          size,
          strategies,
        });
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(`\n${formatAblationTable(rows, ['hop', 'arith'])}\n\n`);
        for (const row of rows) {
          if (row.succeeded) continue;
          process.stdout.write(`${row.strategy}: ${row.kept === 0 ? 'kept no trajectories, so there was nothing to train' : row.error}\n`);
        }
        process.stdout.write(`${rows.length} strategies in ${seconds.toFixed(0)} s\n`);
        if (options.json) {
          const json = rows.map(({ strategy, runId, succeeded, trajectories, kept, sftRecords, states, results }) => ({ strategy, runId, succeeded, trajectories, kept, sftRecords, states, results }));
          process.stdout.write(`${JSON.stringify({ rows: json, seconds: Math.round(seconds) })}\n`);
        }
        if (rows.some((row) => !row.succeeded)) process.exitCode = 1;
      } finally {
        await opened.close();
      }
    });
}
