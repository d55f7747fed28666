// Parsers for command arguments shared by several commands.
import { DATASET_FORMATS, DatasetFormat } from '../../core/schemas';
import { CliError, EXIT_INVALID } from './cli-error';

export function parseDatasetFormat(value: string): DatasetFormat {
  if (!(DATASET_FORMATS as readonly string[]).includes(value)) {
    throw new CliError(`format: expected one of ${DATASET_FORMATS.join(' | ')}, received ${JSON.stringify(value)}`, EXIT_INVALID);
  }
  return value as DatasetFormat;
}
