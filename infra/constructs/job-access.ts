// What each trainer entry point on Batch runs and may touch: its command, the S3 key patterns it reads and writes, model access.
import { CONFIG, ROLLOUT_PROGRESS, STATUS } from './stage-access';

export const BATCH_JOBS = ['train', 'rollout', 'evaluate'] as const;
export type BatchJobName = (typeof BATCH_JOBS)[number];

export interface JobAccess {
  /** Container command after the image's entrypoint; Batch fills each "Ref::name" from the submitted parameters. */
  command: string[];
  /** Default values of the parameters the command names. */
  parameters: Record<string, string>;
  read: string[];
  write: string[];
  /** Object key patterns the job deletes. */
  delete: string[];
  /** Calls Bedrock models and reads endpoint secrets (the reward model, the judge). */
  callsModels: boolean;
  description: string;
}


export const JOB_ACCESS: Record<BatchJobName, JobAccess> = {
  train: {
    command: ['train', '--run', 'Ref::runId'],
    parameters: { runId: 'unset' },
    read: [CONFIG, 'runs/*/train/*', 'runs/*/corpus/*', 'models/*', 'datasets/*'],
    write: ['runs/*/model/*', STATUS, 'cache/*', 'runs/*/timings/train/*'],
    delete: [],
    callsModels: true,
    description: 'Swirl trainer job: sft and swirl training',
  },
  rollout: {
    command: ['rollout', '--run', 'Ref::runId', '--shard', 'Ref::shard'],
    parameters: { runId: 'unset', shard: 'unset' },
    read: [CONFIG, 'runs/*/shards/*', 'runs/*/model/*', 'models/*', 'datasets/*'],
    write: [STATUS, 'runs/*/trajectories/*', 'runs/*/corpus/*', 'cache/*', 'runs/*/timings/rollout/*'],
    delete: [ROLLOUT_PROGRESS],
    callsModels: false,
    description: 'Swirl rollout job: one shard with a trainer-served policy',
  },
  evaluate: {
    command: ['evaluate', '--run', 'Ref::runId', '--model', 'Ref::model', '--set', 'Ref::set'],
    parameters: { runId: 'unset', model: 'unset', set: 'unset' },
    read: [CONFIG, 'runs/*/eval-sets/*', 'runs/*/corpus/*', 'runs/*/model/*', 'models/*', 'datasets/*'],
    write: ['runs/*/eval/*/*', 'runs/*/eval-sets/*/corpus.bm25.json', 'cache/*', 'runs/*/timings/evaluate/*'],
    delete: [],
    callsModels: true,
    description: 'Swirl evaluation job: one trainer-served model on one eval set',
  },
};
