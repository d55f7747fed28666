// Entry point of the built-in task families: questions plus their search corpus, deterministic by seed.
import type { CorpusDocument, DatasetRow } from '../schemas';
import { generateArithTasks } from './arith/generate-arith-dataset';
import { generateHopTasks } from './hop/generate-hop-dataset';
import type { TaskSplit } from './syllable-names';

export const TASK_FAMILIES = ['hop', 'arith'] as const;
export type TaskFamily = (typeof TASK_FAMILIES)[number];
export const TASK_SPLITS = ['train', 'test'] as const;

export interface TaskDatasetOptions {
  /** Number of questions. */
  count: number;
  /** Same seed, same questions and corpus. */
  seed: number;
}

export interface TaskDataset {
  rows: DatasetRow[];
  /** The search corpus (hop: one document per entity; arith: empty). */
  corpus: CorpusDocument[];
}

function checkOptions(family: string, split: string, options: TaskDatasetOptions): void {
  if (!(TASK_FAMILIES as readonly string[]).includes(family)) {
    throw new Error(`task family: expected ${TASK_FAMILIES.join(' | ')}, received ${JSON.stringify(family)}`);
  }
  if (!(TASK_SPLITS as readonly string[]).includes(split)) {
    throw new Error(`task split: expected ${TASK_SPLITS.join(' | ')}, received ${JSON.stringify(split)}`);
  }
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 100_000) {
    throw new Error(`count: expected an integer from 1 to 100000, received ${String(options.count)}`);
  }
  if (!Number.isInteger(options.seed)) throw new Error(`seed: expected an integer, received ${String(options.seed)}`);
}

/** Generates `count` questions of a family; train and test share no entity names and no question template. */
export function generateTaskDataset(family: TaskFamily, split: TaskSplit, options: TaskDatasetOptions): TaskDataset {
  checkOptions(family, split, options);
  if (family === 'hop') {
    const { tasks, corpus } = generateHopTasks(split, options);
    return { rows: tasks.map((task) => task.row), corpus };
  }
  return { rows: generateArithTasks(split, options).map((task) => task.row), corpus: [] };
}

/** "builtin:hop:train" → { family, split }; null for other sources. */
export function parseBuiltinSource(source: string): { family: TaskFamily; split: TaskSplit } | null {
  const match = /^builtin:([a-z]+):([a-z]+)$/.exec(source);
  if (!match) return null;
  const [, family, split] = match;
  if (!(TASK_FAMILIES as readonly string[]).includes(family) || !(TASK_SPLITS as readonly string[]).includes(split)) {
    throw new Error(`builtin source: expected builtin:<${TASK_FAMILIES.join('|')}>:<${TASK_SPLITS.join('|')}>, received ${JSON.stringify(source)}`);
  }
  return { family: family as TaskFamily, split: split as TaskSplit };
}
