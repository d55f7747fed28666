// `swirl datasets …`: the dataset command group.
import type { Command } from 'commander';
import { registerDatasetsImportCommand } from './datasets-import';
import { registerDatasetsStatsCommand } from './datasets-stats';

export function registerDatasetsCommand(program: Command): void {
  const datasets = program.command('datasets').description('Inspect and import datasets.');
  registerDatasetsImportCommand(datasets);
  registerDatasetsStatsCommand(datasets);
}
