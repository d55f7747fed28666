// Where a dataset source string points: a run-bucket key, an s3:// URL, an imported dataset, generated tasks, or a local file.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type DatasetSource =
  | { kind: 'object'; bucket: string | null; key: string }
  | { kind: 'imported'; name: string }
  | { kind: 'builtin'; family: 'hop' | 'arith'; split: 'train' | 'test' }
  | { kind: 'local-file'; path: string };

export class DatasetSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetSourceError';
  }
}

const IMPORTED = /^datasets\/([A-Za-z0-9._=+-]+)\/?$/;
const BUILTIN = /^builtin:(hop|arith)(?::(train|test))?$/;

export interface SourceOptions {
  /** Local paths are honoured only for local runs (SWIRL_ALLOW_LOCAL_FILES=1); a Lambda never reads its own disk. */
  allowLocalFiles?: boolean;
  /** Split for "builtin:<family>" without one. */
  split?: string;
}

export function localFilesAllowed(environment: NodeJS.ProcessEnv = process.env): boolean {
  return environment.SWIRL_ALLOW_LOCAL_FILES === '1';
}

function looksLocal(source: string): boolean {
  return source.startsWith('file://') || isAbsolute(source) || source.startsWith('./') || source.startsWith('../');
}

/**
 * Reads a source string. Explicit local forms (file://, absolute, ./, ../) are local files; with local
 * files allowed, a relative path that exists on disk is one too; anything else is a key in the run bucket.
 */
export function parseDatasetSource(source: string, options: SourceOptions = {}): DatasetSource {
  const builtin = BUILTIN.exec(source);
  if (source.startsWith('builtin:')) {
    if (!builtin) throw new DatasetSourceError(`dataset source ${JSON.stringify(source)}: expected builtin:<hop|arith>:<train|test>`);
    const split = builtin[2] ?? options.split ?? 'train';
    if (split !== 'train' && split !== 'test') throw new DatasetSourceError(`dataset split: expected train | test for ${source}, received ${JSON.stringify(split)}`);
    return { kind: 'builtin', family: builtin[1] as 'hop' | 'arith', split };
  }
  if (source.startsWith('s3://')) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(source);
    if (!match) throw new DatasetSourceError(`dataset source ${JSON.stringify(source)}: expected s3://<bucket>/<key>`);
    return { kind: 'object', bucket: match[1], key: match[2] };
  }
  const imported = IMPORTED.exec(source);
  if (imported) return { kind: 'imported', name: imported[1] };
  const local = looksLocal(source) || (options.allowLocalFiles === true && existsSync(source));
  if (local) {
    if (!options.allowLocalFiles) {
      throw new DatasetSourceError(`dataset source ${JSON.stringify(source)}: expected a bucket key, s3://, datasets/<name> or builtin: source; local files are read only by local runs (SWIRL_ALLOW_LOCAL_FILES=1)`);
    }
    return { kind: 'local-file', path: source.startsWith('file://') ? fileURLToPath(source) : resolve(source) };
  }
  if (source.split('/').some((part) => part === '..' || part === '.')) {
    throw new DatasetSourceError(`dataset source ${JSON.stringify(source)}: expected a bucket key without "." or ".." segments`);
  }
  return { kind: 'object', bucket: null, key: source.replace(/^\/+/, '') };
}

export function describeSource(source: DatasetSource, defaultBucket: string): string {
  switch (source.kind) {
    case 'object': return `s3://${source.bucket ?? defaultBucket}/${source.key}`;
    case 'imported': return `datasets/${source.name}`;
    case 'builtin': return `builtin:${source.family}:${source.split}`;
    case 'local-file': return source.path;
  }
}
