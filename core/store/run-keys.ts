// Deterministic S3 keys of a run; any key that would escape runs/<run>/ is rejected.
import { RUN_ID_PATTERN } from '../schemas/run-config';

export class InvalidStoreKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStoreKeyError';
  }
}

const SEGMENT = /^[A-Za-z0-9._=+-][A-Za-z0-9._=+@#-]*$/;

function checkSegment(segment: string): void {
  if (segment === '.' || segment === '..' || !SEGMENT.test(segment)) {
    throw new InvalidStoreKeyError(`key segment ${JSON.stringify(segment)} is not allowed: expected letters, digits and ._=+-@#, no "..", no "/"`);
  }
}

export function runPrefix(runId: string): string {
  if (!RUN_ID_PATTERN.test(runId)) throw new InvalidStoreKeyError(`run id ${JSON.stringify(runId)} is invalid: expected [a-z0-9][a-z0-9-]{0,62}`);
  return `runs/${runId}/`;
}

/** runs/<run>/<segments…>; each segment is checked, so nothing can climb out of the run. */
export function runKey(runId: string, ...segments: string[]): string {
  const parts = segments.flatMap((segment) => segment.split('/'));
  parts.forEach(checkSegment);
  return runPrefix(runId) + parts.join('/');
}

/** Throws unless `key` lies inside runs/<run>/ after normalization. */
export function assertInsideRun(runId: string, key: string): string {
  const prefix = runPrefix(runId);
  if (!key.startsWith(prefix)) throw new InvalidStoreKeyError(`key ${JSON.stringify(key)} is outside ${prefix}`);
  key.slice(prefix.length).split('/').forEach(checkSegment);
  return key;
}

export const RUN_FILES = {
  config: 'config.json',
  status: 'status.json',
  shardManifest: 'shards/manifest.json',
  shard: (shard: string) => `shards/${shard}.jsonl`,
  trajectories: (shard: string) => `trajectories/${shard}.jsonl`,
  rolloutProgress: (shard: string) => `trajectories/${shard}.progress.jsonl`,
  steps: (shard: string) => `steps/${shard}.jsonl`,
  judged: (shard: string) => `judged/${shard}.jsonl`,
  trainManifest: 'train/manifest.json',
  sft: 'train/sft.jsonl',
  states: 'train/states.jsonl',
  validation: 'train/validation.jsonl',
  model: 'model',
  evalResults: (dataset: string, model: string) => `eval/${model}/${dataset}.jsonl`,
  timingFolder: (stage: string) => `timings/${stage}`,
  timing: (stage: string, shard: string) => `timings/${stage}/${shard}.json`,
  metrics: 'metrics.json',
  report: 'report.html',
} as const;

/** Dataset layout written by `swirl datasets import`. */
export function datasetKeys(name: string): { questions: string; corpus: string; manifest: string; index: string } {
  checkSegment(name);
  const prefix = `datasets/${name}/`;
  return { questions: `${prefix}questions.jsonl`, corpus: `${prefix}corpus.jsonl`, manifest: `${prefix}manifest.json`, index: `${prefix}bm25-index.json` };
}
