// `swirl datasets stats <format> <file>`: load a dataset file and print {format, rows, errors, sample, corpusDocuments}.
import type { Command } from 'commander';
import { fileLineSource, summarizeDataset } from '../../../core/datasets';
import { FieldMappingSchema } from '../../../core/schemas';
import { assertReadableFile } from '../cli-files';
import { parseDatasetFormat } from '../cli-options';
import { parseFieldMapping } from './datasets-fields';

export function registerDatasetsStatsCommand(datasets: Command): void {
  datasets
    .command('stats')
    .description('Load a dataset file and print one JSON object: format, rows, errors ({line, error} per malformed line), sample row, corpus document count.')
    .argument('<format>', 'gsm8k | hotpotqa | musique | beerqa | cofca | jsonl | hop | arith')
    .argument('<file>', 'dataset file (JSON Lines)')
    .option('--fields <json>', `field mapping for format jsonl, e.g. '{"question":"q","answer":"a"}'`)
    .action(async (formatText: string, file: string, options: { fields?: string }) => {
      const format = parseDatasetFormat(formatText);
      const fields = options.fields ? FieldMappingSchema.parse(parseFieldMapping(options.fields)) : undefined;
      assertReadableFile(file);
      const summary = await summarizeDataset(format, fileLineSource(file), { fields });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });
}
