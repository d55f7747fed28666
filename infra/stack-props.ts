// The stack's settings, validated with zod so a bad deployment setting fails at synth with a readable message.
import { z } from 'zod';
import { parseWith } from '../core/schemas/validation-error';

export const LAMBDA_STAGES = ['prepare', 'rollout', 'decompose', 'judge', 'assemble', 'evaluate', 'report', 'record-failure'] as const;
export type LambdaStage = (typeof LAMBDA_STAGES)[number];

const FunctionSizingSchema = z.strictObject({
  memoryMiB: z.number().int().min(128).max(10240).optional(),
  timeoutSeconds: z.number().int().min(1).max(900).optional(),
});

export const ScheduleSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-_]{0,39}$/, 'a schedule name of letters, digits, "-" and "_" (at most 40)'),
  expression: z.string().regex(/^(cron|rate|at)\(.+\)$/, 'a Scheduler expression such as "cron(0 3 ? * MON *)" or "rate(7 days)"'),
  timeZone: z.string().default('UTC').describe('IANA time zone of the cron expression. Default UTC.'),
  configKey: z.string()
    .regex(/^[A-Za-z0-9!_.*'()\/-]+\.json$/, 'an S3 key of a JSON config template')
    .refine((key) => !key.startsWith('configs/'), 'a template key outside configs/ (objects there start runs on upload)')
    .describe('Config template in the bucket, e.g. "schedules/nightly.json". Its runId is replaced by a fresh one.'),
  runIdPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]{0,25}$/, 'a run id prefix matching [a-z0-9][a-z0-9-]{0,25}')
    .describe('Each scheduled run is named <prefix>-<uuid> (at most 63 characters).'),
  enabled: z.boolean().default(true),
});
export type ScheduleSettings = z.infer<typeof ScheduleSchema>;

export const SwirlStackPropsSchema = z.strictObject({
  bucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/).optional().describe('Name of the run bucket. Default: generated.'),
  removalPolicy: z.enum(['retain', 'destroy']).default('retain').describe('What happens to the buckets when the stack is deleted. Default retain.'),
  maxConcurrency: z.strictObject({
    rollout: z.number().int().min(1).max(10000).default(16).describe('Concurrent rollout Lambdas. Default 16.'),
    judge: z.number().int().min(1).max(10000).default(16).describe('Concurrent decompose+judge children. Default 16.'),
    rolloutJobs: z.number().int().min(1).max(10000).default(4).describe('Concurrent rollout shard jobs on Batch (trainer-served policies). Default 4.'),
    evaluate: z.number().int().min(1).max(10000).default(8).describe('Concurrent (model, eval set) pairs, as Batch jobs or Lambdas. Default 8.'),
  }).prefault({}),
  toleratedFailurePercentage: z.number().min(0).max(100).default(0)
    .describe('Share of failed shards a map tolerates, used unless toleratedFailureFromConfig is on. Default 0.'),
  toleratedFailureFromConfig: z.boolean().default(false)
    .describe('Read the tolerated failure share from prepare\'s output field "toleratedFailurePercentage" (the run config) instead. Default false.'),
  bedrockModelArns: z.array(z.string().regex(/^arn:aws[a-z-]*:bedrock:/, 'a Bedrock model or inference profile ARN')).default([])
    .describe('Models the rollout, judge and evaluate Lambdas may invoke. Default none.'),
  secretArns: z.array(z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, 'a Secrets Manager secret ARN')).default([])
    .describe('Secrets (API keys of OpenAI-compatible endpoints) the model-calling Lambdas may read. Default none.'),
  functions: z.partialRecord(z.enum(LAMBDA_STAGES), FunctionSizingSchema).default({}).describe('Memory and timeout per Lambda stage.'),
  logRetentionDays: z.union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(365)]).default(30),
  batch: z.strictObject({
    instanceTypes: z.array(z.string().regex(/^[a-z0-9]+\.[a-z0-9]+$/, 'an EC2 instance type such as g5.xlarge')).min(1)
      .default(['g5.xlarge', 'g5.2xlarge', 'g6.xlarge', 'g6.2xlarge']),
    maxVcpus: z.number().int().min(1).max(10000).default(32),
    spot: z.boolean().default(false).describe('Spot capacity (checkpoints make reclaims cheap). Default on-demand.'),
    gpus: z.number().int().min(1).max(8).default(1),
    vcpus: z.number().int().min(1).default(4),
    memoryMiB: z.number().int().min(1024).default(15360),
    jobTimeoutMinutes: z.number().int().min(5).max(10080).default(720).describe('Per attempt. Default 12 hours.'),
    attempts: z.number().int().min(1).max(10).default(3).describe('Attempts for spot reclaims and host errors. Default 3.'),
  }).prefault({}),
  schedules: z.array(ScheduleSchema).default([]),
  eventBusName: z.string().min(1).default('default').describe('Bus that receives "Swirl Run Finished" / "Swirl Run Failed". Default the account\'s default bus.'),
  notificationEmails: z.array(z.email()).default([]).describe('Subscribers of the optional completion topic.'),
  completionTopic: z.boolean().default(false).describe('Create an SNS topic fed by the completion events. Default false (true when emails are given).'),
  executionTimeoutHours: z.number().int().min(1).max(8760).default(72),
});
export type SwirlStackSettings = z.infer<typeof SwirlStackPropsSchema>;
export type SwirlStackSettingsInput = z.input<typeof SwirlStackPropsSchema>;

/** Validates raw settings (from code, context or a JSON file) into complete stack settings. */
export function resolveStackSettings(input: unknown): SwirlStackSettings {
  const settings = parseWith(SwirlStackPropsSchema, input ?? {}, 'Swirl stack settings');
  const names = settings.schedules.map((schedule) => schedule.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`Swirl stack settings are invalid:\n  $.schedules: expected unique names, received ${JSON.stringify(duplicate)} twice`);
  return settings;
}
