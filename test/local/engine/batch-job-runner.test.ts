// The Batch stand-in honours the job's EvaluateOnExit rules: failures that will repeat end the job, others are retried.
import { describeBatchStage, describeJob, runBatchJob } from '../../../local/engine/batch-job-runner';
import { readRetryRules, shouldRetryAttempt } from '../../../local/engine/batch-retry-rules';

const ROOT = process.cwd();
// A real child process that fails with the given exit code.
const failing = (code: number) => () => ({ executable: process.execPath, args: ['-e', `process.exit(${code})`], environment: {} });

async function countAttempts(retryStrategy: unknown, exitCode: number): Promise<number> {
  try {
    await runBatchJob({ JobName: 'train', JobDefinition: 'definition', RetryStrategy: retryStrategy } as never, { root: ROOT, launch: failing(exitCode) });
  } catch (error) {
    expect((error as Error).name).toBe('States.TaskFailed');
    return (JSON.parse((error as { cause?: string }).cause ?? (error as Error).message).Attempts as unknown[]).length;
  }
  throw new Error('expected the job to fail');
}

describe('Batch retry rules', () => {
  it('retries every failure when the job has no EvaluateOnExit rules', async () => {
    expect(await countAttempts({ Attempts: 3 }, 1)).toBe(3);
  });

  it('stops after one attempt when the first matching rule says EXIT', async () => {
    const strategy = {
      Attempts: 3,
      EvaluateOnExit: [
        { Action: 'RETRY', OnStatusReason: 'Host EC2*' },
        { Action: 'RETRY', OnReason: 'CannotStartContainerError*' },
        { Action: 'EXIT', OnReason: '*' },
      ],
    };
    expect(await countAttempts(strategy, 1)).toBe(1);
  });

  it('retries on a matching exit code', async () => {
    expect(await countAttempts({ Attempts: 2, EvaluateOnExit: [{ Action: 'RETRY', OnExitCode: '143' }, { Action: 'EXIT', OnReason: '*' }] }, 143)).toBe(2);
  });

  it('matches patterns as literal text with one trailing wildcard', () => {
    const rules = readRetryRules({ EvaluateOnExit: [{ Action: 'RETRY', OnStatusReason: 'Host EC2*' }, { Action: 'exit', OnReason: 'Essential container in task exited' }, { Action: 'bogus' }] });
    expect(rules).toHaveLength(2);
    expect(shouldRetryAttempt(rules, { exitCode: 1, reason: 'Host EC2 (instance i-1) terminated.' })).toBe(true);
    expect(shouldRetryAttempt(rules, { exitCode: 1, reason: 'Essential container in task exited' })).toBe(false);
    expect(shouldRetryAttempt(rules, { exitCode: 1, reason: 'Essential container in task exited!' })).toBe(true);
  });
});

describe('Batch jobs of the trainer image', () => {
  const jobDefinitions = {
    'arn:rollout': { command: ['rollout', '--run', 'Ref::runId', '--shard', 'Ref::shard'], parameters: { runId: 'unset', shard: 'unset' } },
    'arn:train': { command: ['train', '--run', 'Ref::runId'] },
  };

  it('reports each job under the stage of the trainer entry point it runs', () => {
    expect(describeBatchStage({ Parameters: { JobDefinition: 'arn:rollout' } }, jobDefinitions)).toBe('rollout');
    expect(describeBatchStage({ Parameters: { JobDefinition: 'arn:train' } }, jobDefinitions)).toBe('train');
    expect(describeBatchStage({ Parameters: { JobDefinition: 'arn:rollout', ContainerOverrides: { Command: ['node', 'main.ts', 'evaluate'] } } }, jobDefinitions)).toBe('evaluate');
    expect(describeBatchStage({ Parameters: { JobDefinition: 'arn:unknown' } }, jobDefinitions)).toBe('train');
  });

  it('fills the command\'s Ref:: parameters from the submitted ones over the definition\'s defaults', () => {
    const job = describeJob({ JobName: 'swirl-r1-shard-00002', JobDefinition: 'arn:rollout', Parameters: { runId: 'r1', shard: 'shard-00002' } }, { root: ROOT, jobDefinitions });
    expect(job.command).toEqual(['rollout', '--run', 'r1', '--shard', 'shard-00002']);
  });
});
