// Writes dataset rows as whole JSONL objects: split into fixed-size shards, or one file for an eval set.
import type { DatasetEntry, DatasetLineError } from '../datasets';
import { DatasetRow } from '../schemas';
import { RUN_FILES, RunStore } from '../store';
import { SHARD_NAME_PATTERN, shardName } from './prepare-keys';

export interface WrittenQuestions {
  questions: number;
  errors: DatasetLineError[];
}

/** Valid rows up to `limit`; malformed lines before the limit go to `errors`. Stops reading at the limit. */
async function* takeRows(entries: AsyncIterable<DatasetEntry>, limit: number | undefined, errors: DatasetLineError[]): AsyncGenerator<DatasetRow> {
  if (limit === 0) return;
  let taken = 0;
  for await (const entry of entries) {
    if (entry.error !== undefined) {
      errors.push({ line: entry.line, error: entry.error });
      continue;
    }
    yield entry.row;
    taken += 1;
    if (limit !== undefined && taken >= limit) return;
  }
}

export async function writeQuestionFile(store: RunStore, relative: string, entries: AsyncIterable<DatasetEntry>, limit?: number): Promise<WrittenQuestions> {
  const errors: DatasetLineError[] = [];
  const questions = await store.putJsonLines(relative, takeRows(entries, limit, errors));
  return { questions, errors };
}

export interface WrittenShards extends WrittenQuestions {
  shards: string[];
}

/** shards/shard-00000.jsonl…, each written whole; shards left over from a larger earlier attempt are removed. */
export async function writeQuestionShards(
  store: RunStore,
  entries: AsyncIterable<DatasetEntry>,
  options: { questionsPerShard: number; limit?: number },
): Promise<WrittenShards> {
  const errors: DatasetLineError[] = [];
  const shards: string[] = [];
  let buffer: DatasetRow[] = [];
  let questions = 0;
  const flush = async () => {
    const shard = shardName(shards.length);
    await store.putJsonLines(RUN_FILES.shard(shard), buffer);
    shards.push(shard);
    questions += buffer.length;
    buffer = [];
  };
  for await (const row of takeRows(entries, options.limit, errors)) {
    buffer.push(row);
    if (buffer.length >= options.questionsPerShard) await flush();
  }
  if (buffer.length > 0) await flush();
  await removeStaleShards(store, new Set(shards));
  return { questions, errors, shards };
}

async function removeStaleShards(store: RunStore, keep: Set<string>): Promise<void> {
  for (const key of await store.listParts('shards')) {
    const name = key.slice(key.lastIndexOf('/') + 1).replace(/\.jsonl$/, '');
    if (SHARD_NAME_PATTERN.test(name) && !keep.has(name)) await store.objects.delete(key);
  }
}
