// `swirl demo` (what `npm start` runs): the embedded default run end to end, then the results table and the report's path.
import path from 'node:path';
import type { Command } from 'commander';
import { createDemoConfig, DEMO_DEFAULT_FILTER } from '../../demo/demo-config';
import { addDemoRunOptions, DemoCommandOptions, parseStrategies, readDemoSize } from '../../demo/demo-options';
import { exceedsInterval, formatResultsJson, formatResultsTable } from '../../demo/demo-results';
import { openDemoStore } from '../../demo/demo-store';
import { ensureTinyPolicy } from '../../demo/ensure-tiny-policy';
import { runDemoPipeline } from '../../demo/run-demo-pipeline';
import { FILTER_STRATEGIES } from '../../../core/schemas/run-config';
import { PROJECT_ROOT } from './run';

export const SET_LABELS: Record<string, string> = { hop: 'hop (in-domain)', arith: 'arith (cross-task)' };

export function registerDemoCommand(program: Command): void {
  const demo = program
    .command('demo')
    .description('Run the embedded default end to end on this machine (what `npm start` does): the tiny policy rolls out generated hop questions, '
      + 'steps are judged by rules and filtered, swirl and an sft baseline are trained on the same data, and base, sft and swirl are evaluated '
      + 'on held-out hop (in-domain) and arith (cross-task) questions. Prints the results table and the path of the HTML report.');
  addDemoRunOptions(demo)
    .option('--json', 'also print the results as one JSON line, the last line of the output')
    .option('--filter <strategy>', `trajectory filter: ${FILTER_STRATEGIES.join(' | ')} (default ${DEMO_DEFAULT_FILTER})`)
    .option('--keep', 'keep the run in the persistent embedded store (~/.cache/swirl/s3) for `swirl status`; default: a temporary store')
    .option('--run-id <id>', 'run id (default demo-<timestamp>)')
    .option('--output <dir>', 'local folder for the report and metrics', '.swirl/runs')
    .action(async (options: DemoCommandOptions) => {
      const started = Date.now();
      const config = createDemoConfig({ ...readDemoSize(options), runId: options.runId, filter: parseStrategies(options.filter ?? DEMO_DEFAULT_FILTER)[0] });
      const policy = await ensureTinyPolicy((line) => process.stderr.write(`tiny policy | ${line}\n`));
      if (policy.built) process.stderr.write(`built the tiny policy in ${policy.seconds.toFixed(0)} s (${policy.directory})\n`);
      const opened = await openDemoStore(options);
      process.stderr.write(`run ${config.runId}: ${opened.location}\n`);
      try {
        const outcome = await runDemoPipeline({
          config,
          objects: opened.objects,
          root: PROJECT_ROOT,
          outputDirectory: path.resolve(options.output ?? '.swirl/runs'),
          stream: process.stderr,
          interactive: options.plain ? false : undefined,
        });
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(`\n${outcome.stageTable}\n\n`);
        if (outcome.results) {
          const sets = (config.eval ?? []).map((set) => set.name);
          process.stdout.write(`${formatResultsTable(outcome.results, sets, SET_LABELS)}\n\n`);
          process.stdout.write(`swirl ${exceedsInterval(outcome.results, 'swirl', 'base', 'hop') ? 'exceeds' : 'does not exceed'} the base policy's 95% interval on hop (in-domain).\n`);
        }
        if (outcome.reportPath) process.stdout.write(`report: ${outcome.reportPath}\n`);
        process.stdout.write(`run ${outcome.runId}: ${outcome.succeeded ? 'SUCCEEDED' : `FAILED (${outcome.error})`} in ${seconds.toFixed(0)} s\n`);
        if (options.json && outcome.results) process.stdout.write(`${formatResultsJson(outcome.results, seconds)}\n`);
        if (!outcome.succeeded) process.exitCode = 1;
      } finally {
        await opened.close();
      }
    });
}
