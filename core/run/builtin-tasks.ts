// Generated hop/arith task datasets (core/tasks), for "builtin:<family>:<split>" sources.
import { generateTaskDataset, TaskDataset } from '../tasks/generate-task-dataset';

/** Questions generated when a builtin source sets no limit. */
export const BUILTIN_DEFAULT_COUNT = 100;
/** Fixed seed: the same source string always names the same questions. */
export const BUILTIN_SEED = 1;

export function generateBuiltinTasks(family: 'hop' | 'arith', split: 'train' | 'test', count: number): TaskDataset {
  return generateTaskDataset(family, split, { count, seed: BUILTIN_SEED });
}
