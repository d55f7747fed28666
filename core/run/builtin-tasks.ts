// Generated hop/arith task datasets (core/tasks), for "builtin:<family>:<split>" sources.
import type { CorpusDocument, DatasetRow } from '../schemas';

/** Questions generated when a builtin source sets no limit. */
export const BUILTIN_DEFAULT_COUNT = 100;
/** Fixed seed: the same source string always names the same questions. */
export const BUILTIN_SEED = 1;

export interface GeneratedTasks {
  rows: DatasetRow[];
  corpus: CorpusDocument[];
}

type Generate = (family: 'hop' | 'arith', split: 'train' | 'test', options: { count: number; seed: number }) => GeneratedTasks;

export function generateBuiltinTasks(family: 'hop' | 'arith', split: 'train' | 'test', count: number): GeneratedTasks {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tasks = require('../tasks') as { generateTaskDataset?: Generate };
  if (typeof tasks.generateTaskDataset !== 'function') throw new Error('core/tasks does not export generateTaskDataset');
  return tasks.generateTaskDataset(family, split, { count, seed: BUILTIN_SEED });
}
