// The trainer's command line, one command per Batch job: `train --run <id>`, `rollout --run <id> --shard <shard>` and
// `evaluate --run <id> --model <name> --set <name>`; each option defaults to an env variable (SWIRL_RUN_ID, SWIRL_SHARD,
// SWIRL_EVAL_MODEL, SWIRL_EVAL_SET), and the store to SWIRL_BUCKET and SWIRL_S3_ENDPOINT.
import { Command, CommanderError } from 'commander';
import { evaluatePair } from '../../../core/evaluate/evaluate-pair';
import { EvaluationPairEventSchema } from '../../../core/evaluate/evaluation-plan';
import { rollOutShard } from '../../../core/rollout/roll-out-shard';
import { parseWith } from '../../../core/schemas/validation-error';
import { ObjectStore } from '../../../core/store/object-store';
import { resolveS3Settings } from '../../../core/store/s3-settings';
import { timeShard } from '../../../core/store/shard-timing';
import { registerTrainerProvider } from './serve/trainer-provider';
import { runTrainingJob } from './train/run-training-job';

/** Exit code of a job stopped by SIGTERM after checkpointing: non-zero, so Batch retries it and the retry resumes. */
export const EXIT_INTERRUPTED = 143;

interface StoreOptions { run?: string; bucket?: string; endpoint?: string }

function addStoreOptions(command: Command): Command {
  return command
    .option('--run <id>', 'run id (default: env SWIRL_RUN_ID)')
    .option('--bucket <name>', 'bucket (default: env SWIRL_BUCKET)')
    .option('--endpoint <url>', 'S3 endpoint (default: env SWIRL_S3_ENDPOINT; AWS when unset)');
}

function openRun(options: StoreOptions): { runId: string; store: ObjectStore } {
  const runId = options.run ?? process.env.SWIRL_RUN_ID;
  if (!runId) throw new Error('no run id: expected --run <id> or env SWIRL_RUN_ID');
  return { runId, store: new ObjectStore(resolveS3Settings({ bucket: options.bucket, endpoint: options.endpoint })) };
}

function requireValue(value: string | undefined, option: string, variable: string): string {
  if (!value) throw new Error(`no ${option.replace(/^--/, '')}: expected ${option} <name> or env ${variable}`);
  return value;
}

export function createTrainerProgram(onDone: (code: number) => void): Command {
  const program = new Command('trainer')
    .description('Swirl trainer: sft and step-wise RL (swirl) on a Llama-family model, LoRA adapters in PEFT format; rollouts and evaluation of its models.')
    .exitOverride((error: CommanderError) => { throw error; });
  addStoreOptions(program.command('train'))
    .description('Train a run: reads runs/<run>/config.json and runs/<run>/train/*.jsonl, writes runs/<run>/model/<objective>/.')
    .option('--export-merged', 'also write merged full weights under model/<objective>/merged/', false)
    .action(async (options: StoreOptions & { exportMerged: boolean }) => {
      const { runId, store } = openRun(options);
      let stopRequested = false;
      const onSignal = (): void => {
        stopRequested = true;
        process.stderr.write('trainer: SIGTERM received; checkpointing after the current step\n');
      };
      process.on('SIGTERM', onSignal);
      try {
        const wasInterrupted = (outcomes: { interrupted: boolean }[]) => outcomes.some((outcome) => outcome.interrupted);
        const outcomes = await timeShard(store, runId, 'train', 'job', () => runTrainingJob({ runId, store, exportMerged: options.exportMerged, shouldStop: () => stopRequested }), {
          isComplete: (done) => !wasInterrupted(done),
        });
        onDone(wasInterrupted(outcomes) ? EXIT_INTERRUPTED : 0);
      } finally {
        process.off('SIGTERM', onSignal);
      }
    });
  addStoreOptions(program.command('rollout'))
    .description('Roll out one shard with the run\'s trainer-served policy: runs/<run>/shards/<shard>.jsonl → runs/<run>/trajectories/<shard>.jsonl.')
    .option('--shard <name>', 'shard name, e.g. shard-00000 (default: env SWIRL_SHARD)')
    .action(async (options: StoreOptions & { shard?: string }) => {
      const { runId, store } = openRun(options);
      const shard = requireValue(options.shard ?? process.env.SWIRL_SHARD, '--shard', 'SWIRL_SHARD');
      registerTrainerProvider({ store });
      // A shard finished by an earlier attempt is skipped; one stopped part-way resumes from its saved questions.
      const result = await timeShard(store, runId, 'rollout', shard, () => rollOutShard({ objects: store, runId, shard }));
      process.stdout.write(`trainer: rollout ${shard}: ${result.count} trajectories${result.skipped ? ' (already written)' : ''}\n`);
      onDone(0);
    });
  addStoreOptions(program.command('evaluate'))
    .description('Evaluate one model of the run on one eval set: runs/<run>/eval/<model>/<set>.jsonl and its result file.')
    .option('--model <name>', 'model name in the run: base, sft, swirl (default: env SWIRL_EVAL_MODEL)')
    .option('--set <name>', 'eval set name (default: env SWIRL_EVAL_SET)')
    .action(async (options: StoreOptions & { model?: string; set?: string }) => {
      const { runId, store } = openRun(options);
      const event = parseWith(EvaluationPairEventSchema, {
        runId,
        model: requireValue(options.model ?? process.env.SWIRL_EVAL_MODEL, '--model', 'SWIRL_EVAL_MODEL'),
        set: requireValue(options.set ?? process.env.SWIRL_EVAL_SET, '--set', 'SWIRL_EVAL_SET'),
      }, 'evaluate job');
      registerTrainerProvider({ store });
      const outcome = await evaluatePair(store, event);
      // A model that cannot be loaded is this pair's recorded result, not a failed job: retrying would fail the same way.
      process.stdout.write(`trainer: evaluate ${event.model} on ${event.set}: ${outcome.state}${outcome.skipped ? ' (already written)' : ''}${outcome.error ? `: ${outcome.error}` : ''}\n`);
      onDone(0);
    });
  return program;
}

export async function runTrainerCli(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await createTrainerProgram((result) => { code = result; }).parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`trainer: ${(error as Error).message}\n`);
    return 1;
  }
}
