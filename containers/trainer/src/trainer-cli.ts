// The trainer's command line: `train --run <id>` (the Batch job) reading SWIRL_RUN_ID, SWIRL_BUCKET, SWIRL_S3_ENDPOINT.
import { Command, CommanderError } from 'commander';
import { ObjectStore } from '../../../core/store/object-store';
import { resolveS3Settings } from '../../../core/store/s3-settings';
import { timeShard } from '../../../core/store/shard-timing';
import { runTrainingJob } from './train/run-training-job';

/** Exit code of a job stopped by SIGTERM after checkpointing: non-zero, so Batch retries it and the retry resumes. */
export const EXIT_INTERRUPTED = 143;

export function createTrainerProgram(onDone: (code: number) => void): Command {
  const program = new Command('trainer')
    .description('Swirl trainer: sft and step-wise RL (swirl) on a Llama-family model, LoRA adapters in PEFT format.')
    .exitOverride((error: CommanderError) => { throw error; });
  program.command('train')
    .description('Train a run: reads runs/<run>/config.json and runs/<run>/train/*.jsonl, writes runs/<run>/model/<objective>/.')
    .option('--run <id>', 'run id (default: env SWIRL_RUN_ID)')
    .option('--bucket <name>', 'bucket (default: env SWIRL_BUCKET)')
    .option('--endpoint <url>', 'S3 endpoint (default: env SWIRL_S3_ENDPOINT; AWS when unset)')
    .option('--export-merged', 'also write merged full weights under model/<objective>/merged/', false)
    .action(async (options: { run?: string; bucket?: string; endpoint?: string; exportMerged: boolean }) => {
      const runId = options.run ?? process.env.SWIRL_RUN_ID;
      if (!runId) throw new Error('no run id: expected --run <id> or env SWIRL_RUN_ID');
      const store = new ObjectStore(resolveS3Settings({ bucket: options.bucket, endpoint: options.endpoint }));
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
