// Keys the prepare stage writes inside runs/<run>/, beside the shared RUN_FILES.
export const SHARD_DIGITS = 5;

/** shard-00000, shard-00001, …: fixed width so keys sort in shard order. */
export function shardName(index: number): string {
  return `shard-${String(index).padStart(SHARD_DIGITS, '0')}`;
}

export const SHARD_NAME_PATTERN = /^shard-\d{5,}$/;

export const PREPARE_FILES = {
  corpus: 'corpus/corpus.jsonl',
  evalQuestions: (set: string) => `eval-sets/${set}/questions.jsonl`,
  evalCorpus: (set: string) => `eval-sets/${set}/corpus.jsonl`,
  /** Malformed dataset lines ({set, line, error}), so nothing is dropped without a trace. */
  datasetErrors: 'prepare/dataset-errors.jsonl',
} as const;
