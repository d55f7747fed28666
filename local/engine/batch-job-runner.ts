// Runs an AWS Batch `submitJob.sync` task as a child process of the trainer entry point; a non-zero exit fails the task as Batch would.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { JsonObject, JsonValue } from './asl-types';
import { TaskError } from './task-error';
import { BatchRetryRule, readRetryRules, shouldRetryAttempt } from './batch-retry-rules';

export const DEFAULT_TRAINER_ENTRY = 'containers/trainer/src/main.ts';

/** What the child process runs: the program, its arguments and extra environment. */
export interface BatchLaunch {
  executable: string;
  args: string[];
  environment: Record<string, string>;
}

export interface BatchJob {
  jobName: string;
  jobQueue: string;
  jobDefinition: string;
  /** The container command after overrides and `Ref::` parameter substitution. */
  command: string[];
  environment: Record<string, string>;
  attempts: number;
  attemptDurationSeconds?: number;
  /** Entry point named by the job definition, if any. */
  entry?: string;
  retryRules: BatchRetryRule[];
}

export interface JobDefinition {
  command?: string[];
  environment?: Record<string, string>;
  /** Default values of `Ref::` parameters. */
  parameters?: Record<string, string>;
  attempts?: number;
  attemptTimeoutSeconds?: number | null;
  /** Trainer entry point of this job definition's image. */
  entry?: string;
  /** EvaluateOnExit rules; without any, every failed attempt is retried. */
  retryRules?: BatchRetryRule[];
}

export interface BatchRunnerOptions {
  /** Project root: the working directory of the job. */
  root: string;
  /** Trainer entry point run with tsx; default containers/trainer/src/main.ts. */
  entry?: string;
  /** Environment every job gets (the S3 endpoint, bucket and credentials). */
  environment?: Record<string, string>;
  /** What the job definitions declare, by name or ARN: the task's overrides win over these. */
  jobDefinitions?: Record<string, JobDefinition>;
  /** Replaces how a job is launched (e.g. a tiny script instead of the trainer). */
  launch?: (job: BatchJob) => BatchLaunch;
  /** Receives each output line of the job. */
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

const LAUNCHER = /^(node|npx|tsx|npm|exec|--?[A-Za-z].*)$/;
const SCRIPT = /\.[cm]?[jt]s$/;

/** The container's command names its program ("node dist/main.js train …"); locally only the arguments after the script matter. */
export function stripProgram(command: string[]): string[] {
  const scriptIndex = command.findIndex((part) => SCRIPT.test(part));
  if (scriptIndex >= 0 && command.slice(0, scriptIndex).every((part) => LAUNCHER.test(part))) return command.slice(scriptIndex + 1);
  return command;
}

/** The trainer entry points, each a pipeline stage of its own. */
const TRAINER_COMMANDS = ['train', 'rollout', 'evaluate'];

/**
 * The stage a `submitJob.sync` state runs: the trainer command its container overrides name, else its job
 * definition's; "train" when neither names one (a definition the engine was not told about).
 */
export function describeBatchStage(state: { Parameters?: unknown }, jobDefinitions: Record<string, JobDefinition> = {}): string {
  const parameters = (state.Parameters ?? {}) as JsonObject;
  const overrides = (parameters.ContainerOverrides ?? {}) as JsonObject;
  const command = Array.isArray(overrides.Command) ? overrides.Command.map(String) : jobDefinitions[String(parameters.JobDefinition ?? '')]?.command ?? [];
  const name = stripProgram(command)[0];
  return name !== undefined && TRAINER_COMMANDS.includes(name) ? name : 'train';
}

function substituteParameters(command: string[], parameters: Record<string, string>): string[] {
  return command.map((part) => part.replace(/Ref::([A-Za-z0-9_-]+)/g, (whole, name: string) => parameters[name] ?? whole));
}

/** Reads the job from the task's effective input (`JobName`, `ContainerOverrides`, `Parameters`, `RetryStrategy`, `Timeout`). */
export function describeJob(taskInput: JsonValue, options: BatchRunnerOptions): BatchJob {
  const input = (taskInput ?? {}) as JsonObject;
  const overrides = (input.ContainerOverrides ?? {}) as JsonObject;
  const definitionName = String(input.JobDefinition ?? '');
  const definition = options.jobDefinitions?.[definitionName] ?? {};
  const parameters = { ...(definition.parameters ?? {}), ...Object.fromEntries(Object.entries((input.Parameters ?? {}) as JsonObject).map(([key, value]) => [key, String(value)])) };
  const environment: Record<string, string> = { ...(definition.environment ?? {}) };
  for (const entry of (overrides.Environment ?? []) as JsonObject[]) environment[String(entry.Name)] = String(entry.Value ?? '');
  const command = Array.isArray(overrides.Command) ? overrides.Command.map(String) : definition.command ?? [];
  const retry = (input.RetryStrategy ?? {}) as JsonObject;
  const timeout = (input.Timeout ?? {}) as JsonObject;
  return {
    jobName: String(input.JobName ?? 'job'),
    jobQueue: String(input.JobQueue ?? ''),
    jobDefinition: definitionName,
    command: substituteParameters(command, parameters),
    environment,
    attempts: Math.max(1, Math.min(10, Number(retry.Attempts ?? definition.attempts ?? 1))),
    attemptDurationSeconds: typeof timeout.AttemptDurationSeconds === 'number' ? timeout.AttemptDurationSeconds : definition.attemptTimeoutSeconds ?? undefined,
    entry: definition.entry,
    retryRules: input.RetryStrategy !== undefined ? readRetryRules(retry) : definition.retryRules ?? [],
  };
}

function launchTrainer(job: BatchJob, options: BatchRunnerOptions): BatchLaunch {
  const entry = resolve(options.root, options.entry ?? job.entry ?? DEFAULT_TRAINER_ENTRY);
  return { executable: process.execPath, args: ['--import', 'tsx', entry, ...stripProgram(job.command)], environment: {} };
}

interface AttemptResult {
  exitCode: number | null;
  signal: string | null;
  reason: string;
  startedAt: number;
  stoppedAt: number;
  stderrTail: string[];
}

function runAttempt(launch: BatchLaunch, job: BatchJob, options: BatchRunnerOptions): Promise<AttemptResult> {
  return new Promise((resolveAttempt) => {
    const startedAt = Date.now();
    const stderrTail: string[] = [];
    const child = spawn(launch.executable, launch.args, {
      cwd: options.root,
      env: { ...process.env, ...options.environment, ...job.environment, ...launch.environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    const timer = job.attemptDurationSeconds === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, job.attemptDurationSeconds * 1000);
    const forward = (stream: 'stdout' | 'stderr') => {
      let pending = '';
      return (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (stream === 'stderr') stderrTail.push(line);
          if (stderrTail.length > 20) stderrTail.shift();
          options.onOutput?.(stream, line);
        }
      };
    };
    child.stdout.on('data', forward('stdout'));
    child.stderr.on('data', forward('stderr'));
    const finish = (exitCode: number | null, signal: string | null, reason: string) => {
      clearTimeout(timer);
      resolveAttempt({ exitCode, signal, reason, startedAt, stoppedAt: Date.now(), stderrTail });
    };
    child.on('error', (error) => finish(null, null, `CannotStartContainerError: ${error.message}`));
    child.on('close', (code, signal) => {
      if (timedOut) finish(code, signal, 'Job attempt duration exceeded timeout');
      else if (code === 0) finish(0, null, 'Essential container in task exited');
      else finish(code, signal, signal ? `Container killed by ${signal}` : 'Essential container in task exited');
    });
  });
}

/** Runs the job, retrying up to its RetryStrategy attempts; resolves to a DescribeJobs-shaped job or throws `States.TaskFailed`. */
export async function runBatchJob(taskInput: JsonValue, options: BatchRunnerOptions): Promise<JsonValue> {
  const job = describeJob(taskInput, options);
  const launch = options.launch ? options.launch(job) : launchTrainer(job, options);
  const jobId = randomUUID();
  const createdAt = Date.now();
  const attempts: JsonObject[] = [];
  let last: AttemptResult | undefined;
  for (let attempt = 0; attempt < job.attempts; attempt += 1) {
    last = await runAttempt(launch, job, options);
    attempts.push({
      Container: { ExitCode: last.exitCode, Reason: last.signal ?? undefined, LogStreamName: `${job.jobName}/local/${jobId}` } as JsonObject,
      StartedAt: last.startedAt,
      StoppedAt: last.stoppedAt,
      StatusReason: last.reason,
    });
    // A failure that will repeat (bad data, a bug) ends the job, as the definition's EvaluateOnExit rules say in AWS.
    if (last.exitCode === 0 || !shouldRetryAttempt(job.retryRules, last)) break;
  }
  const succeeded = last?.exitCode === 0;
  const description: JsonObject = {
    JobArn: `arn:aws:batch:us-east-1:000000000000:job/${jobId}`,
    JobId: jobId,
    JobName: job.jobName,
    JobQueue: job.jobQueue,
    JobDefinition: job.jobDefinition,
    Status: succeeded ? 'SUCCEEDED' : 'FAILED',
    StatusReason: last?.reason ?? 'no attempt ran',
    Attempts: attempts,
    Container: {
      Command: job.command,
      Environment: Object.entries(job.environment).map(([Name, Value]) => ({ Name, Value })),
      ExitCode: last?.exitCode ?? null,
    },
    CreatedAt: createdAt,
    StartedAt: attempts[0]?.StartedAt ?? createdAt,
    StoppedAt: last?.stoppedAt ?? Date.now(),
  };
  if (succeeded) return description;
  // AWS reports a failed .sync job as States.TaskFailed with the job description as the cause; the stderr tail is added so the reason is readable.
  throw new TaskError('States.TaskFailed', JSON.stringify({ ...description, LogTail: last?.stderrTail ?? [] }));
}
