// What each Lambda stage may touch: S3 key patterns it reads and writes, model access, default sizing.
import { LambdaStage } from '../stack-props';

export interface StageAccess {
  /** Object key patterns (IAM wildcards) the stage reads. */
  read: string[];
  /** Object key patterns the stage writes (and reads back, for idempotent reruns). */
  write: string[];
  /** Object key patterns the stage deletes (a stale status or manifest, finished progress logs, the run's claim). */
  delete: string[];
  /** Calls Bedrock models and reads endpoint secrets. */
  callsModels: boolean;
  /** Puts completion events on the event bus. */
  putsEvents: boolean;
  memoryMiB: number;
  timeoutSeconds: number;
  description: string;
}

/** Key patterns every stage and job touches. */
export const STATUS = 'runs/*/status.json';
export const CONFIG = 'runs/*/config.json';
/** The claim that keeps a run to one execution: prepare writes it, the run's end deletes it. */
export const CLAIM = 'runs/*/claim.json';
/** A rollout shard's progress log, deleted once its trajectories are written whole. */
export const ROLLOUT_PROGRESS = 'runs/*/trajectories/*.progress.jsonl';

export const STAGE_ACCESS: Record<LambdaStage, StageAccess> = {
  prepare: {
    read: ['configs/*', 'schedules/*', 'datasets/*'],
    write: [CONFIG, STATUS, CLAIM, 'runs/*/shards/*', 'runs/*/corpus/*', 'runs/*/eval-sets/*', 'runs/*/eval/pairs.json'],
    delete: [STATUS, CLAIM, 'runs/*/eval-sets/*'],
    callsModels: false, putsEvents: false, memoryMiB: 2048, timeoutSeconds: 900,
    description: 'Validates a run config, writes the resolved config, shards and corpora',
  },
  rollout: {
    read: [CONFIG, 'runs/*/shards/*', 'runs/*/eval-sets/*', 'datasets/*'],
    write: [STATUS, 'runs/*/trajectories/*', 'runs/*/corpus/*', 'cache/*', 'runs/*/timings/rollout/*'],
    delete: [ROLLOUT_PROGRESS],
    callsModels: true, putsEvents: false, memoryMiB: 1024, timeoutSeconds: 900,
    description: 'Runs the multi-step policy and tools loop over one shard (policies served by an API)',
  },
  decompose: {
    read: [CONFIG, 'runs/*/trajectories/*'],
    write: [STATUS, 'runs/*/steps/*', 'runs/*/timings/decompose/*'],
    delete: [],
    callsModels: false, putsEvents: false, memoryMiB: 1024, timeoutSeconds: 300,
    description: 'Splits the trajectories of one shard into steps',
  },
  judge: {
    read: [CONFIG, 'runs/*/shards/*', 'runs/*/trajectories/*', 'runs/*/steps/*', 'runs/*/corpus/*', 'datasets/*'],
    write: [STATUS, 'runs/*/judged/*', 'cache/*', 'runs/*/timings/judge/*'],
    delete: [],
    callsModels: true, putsEvents: false, memoryMiB: 1024, timeoutSeconds: 900,
    description: 'Judges the steps and outcomes of one shard',
  },
  assemble: {
    read: [CONFIG, 'runs/*/shards/*', 'runs/*/trajectories/*', 'runs/*/steps/*', 'runs/*/judged/*'],
    write: [STATUS, 'runs/*/train/*'],
    delete: ['runs/*/train/manifest.json'],
    callsModels: false, putsEvents: false, memoryMiB: 3008, timeoutSeconds: 900,
    description: 'Filters, deduplicates and splits the judged steps into training data',
  },
  evaluate: {
    read: [CONFIG, 'runs/*/eval-sets/*', 'runs/*/corpus/*', 'datasets/*'],
    write: ['runs/*/eval/*/*', 'runs/*/eval-sets/*/corpus.bm25.json', 'cache/*', 'runs/*/timings/evaluate/*'],
    delete: [],
    callsModels: true, putsEvents: false, memoryMiB: 3008, timeoutSeconds: 900,
    description: 'Evaluates one model served by an API on one held-out set',
  },
  report: {
    read: ['runs/*'],
    write: [STATUS, 'runs/*/metrics.json', 'runs/*/report.html', 'runs/*/eval/metrics.json'],
    delete: [CLAIM],
    callsModels: false, putsEvents: true, memoryMiB: 1024, timeoutSeconds: 300,
    description: 'Gathers the evaluation, writes metrics.json and report.html and announces the run\'s end',
  },
  'record-failure': {
    read: ['configs/*', 'schedules/*'],
    write: [STATUS],
    delete: [CLAIM],
    callsModels: false, putsEvents: false, memoryMiB: 256, timeoutSeconds: 60,
    description: 'Records the failed stage and its error in status.json',
  },
};

/** Source entry of a stage's handler, relative to the project root. */
export function stageEntry(stage: LambdaStage): string {
  return `functions/${stage}/handler.ts`;
}
