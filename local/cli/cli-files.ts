// File reading shared by commands: readable errors for missing or unreadable files.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { CliError, EXIT_INVALID } from './cli-error';

function describeFileError(path: string, error: NodeJS.ErrnoException): CliError {
  const reason = error.code === 'ENOENT' ? 'no such file' : error.code === 'EACCES' ? 'permission denied' : error.code === 'EISDIR' ? 'it is a directory' : error.message;
  return new CliError(`cannot read ${path}: ${reason}`, EXIT_INVALID);
}

/** The file's text; one larger than maxBytes is refused before it is read. */
export function readTextFile(path: string, maxBytes = Infinity): string {
  try {
    const { size } = statSync(path);
    if (size > maxBytes) throw new CliError(`cannot read ${path}: expected at most ${maxBytes} bytes, received ${size}`, EXIT_INVALID);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw describeFileError(path, error as NodeJS.ErrnoException);
  }
}

/** Fails early with a clear message, before a stream would fail half-way. */
export function assertReadableFile(path: string): void {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw describeFileError(path, error as NodeJS.ErrnoException);
  }
}
