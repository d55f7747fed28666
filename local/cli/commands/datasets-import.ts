// `swirl datasets import <format> <file>`: normalize a dataset into datasets/<name>/ in the embedded store or a named S3 endpoint.
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { importDataset } from '../../../core/datasets';
import { CliError, EXIT_INVALID } from '../cli-error';
import { assertReadableFile } from '../cli-files';
import { openCommandStore } from '../cli-object-store';
import { parseDatasetFormat } from '../cli-options';
import { parseFieldMapping } from './datasets-fields';

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** gsm8k + train.jsonl → "gsm8k-train". */
export function defaultDatasetName(format: string, file: string): string {
  const stem = basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return stem.startsWith(format) ? stem : `${format}-${stem}`;
}

interface ImportOptions {
  name?: string;
  endpoint?: string;
  bucket?: string;
  dataDir?: string;
  fields?: string;
}

export function registerDatasetsImportCommand(datasets: Command): void {
  datasets
    .command('import')
    .description('Normalize a dataset file into datasets/<name>/questions.jsonl, corpus.jsonl (when the format carries passages) and manifest.json. Re-importing an unchanged file does nothing.')
    .argument('<format>', 'gsm8k | hotpotqa | musique | beerqa | cofca | jsonl | hop | arith')
    .argument('<file>', 'dataset file (JSON Lines)')
    .option('--name <dataset>', 'dataset name (default: <format>-<file name>)')
    .option('--endpoint <url>', 'S3 endpoint URL (default: SWIRL_S3_ENDPOINT, else the embedded store)')
    .option('--bucket <name>', 'bucket (default: SWIRL_BUCKET, else swirl-local)')
    .option('--data-dir <dir>', 'data directory of the embedded store (default: ~/.cache/swirl/s3)')
    .option('--fields <json>', 'field mapping for format jsonl')
    .action(async (formatText: string, file: string, options: ImportOptions) => {
      const format = parseDatasetFormat(formatText);
      const name = options.name ?? defaultDatasetName(format, file);
      if (!NAME.test(name)) throw new CliError(`--name: expected lowercase letters, digits, ".", "_" or "-" (at most 63), received ${JSON.stringify(name)}`, EXIT_INVALID);
      const fields = options.fields ? parseFieldMapping(options.fields) : undefined;
      assertReadableFile(file);
      const store = await openCommandStore(options);
      try {
        const result = await importDataset(store.objects, { format, path: file, name, fields });
        const { manifest } = result;
        process.stderr.write(`${result.status === 'unchanged' ? 'unchanged' : 'imported'}: datasets/${name} in ${store.location} — ${manifest.questions} questions, ${manifest.corpusDocuments} corpus documents, ${manifest.malformedLines} malformed lines\n`);
        process.stdout.write(`${JSON.stringify({ status: result.status, dataset: `datasets/${name}`, ...manifest })}\n`);
      } finally {
        await store.close();
      }
    });
}
