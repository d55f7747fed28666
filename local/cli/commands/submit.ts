// `swirl submit <config> --bucket <name>`: validate a config and upload it to configs/ of a deployed stack's bucket, which starts the run.
import type { Command } from 'commander';
import { ObjectStore, resolveS3Settings } from '../../../core/store';
import { readRunConfigFile } from './run';

interface SubmitOptions {
  bucket: string;
  region?: string;
  endpoint?: string;
  key?: string;
}

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('Start a run on AWS: validate the config, then upload it to s3://<bucket>/configs/<run>.json, where the stack\'s EventBridge rule starts the state machine.')
    .argument('<config>', 'run config JSON file')
    .requiredOption('--bucket <name>', 'the stack\'s bucket (output BucketName)')
    .option('--region <region>', 'AWS region (env AWS_REGION)')
    .option('--endpoint <url>', 'S3 endpoint URL (default: AWS)')
    .option('--key <key>', 'object key under configs/ (default configs/<run>.json)')
    .action(async (file: string, options: SubmitOptions) => {
      const { runId, text } = readRunConfigFile(file);
      const key = options.key ?? `configs/${runId}.json`;
      if (!/^configs\/.+\.json$/.test(key)) throw new Error(`--key: expected configs/<name>.json (the trigger only matches there), received ${JSON.stringify(key)}`);
      const settings = resolveS3Settings({
        bucket: options.bucket,
        ...(options.region ? { region: options.region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      });
      const objects = new ObjectStore(settings);
      try {
        await objects.putText(key, text, 'application/json');
      } finally {
        objects.client.destroy();
      }
      process.stdout.write(`uploaded s3://${settings.bucket}/${key}; run ${runId} starts when the stack's rule sees it.\nfollow it with: swirl status ${runId} --bucket ${settings.bucket}${options.endpoint ? ` --endpoint ${options.endpoint}` : ''}\n`);
    });
}
