// Builds the local pipeline from the synthesized template: the state machine with its handlers and Batch job, and the trigger rules.
import { extractStateMachineDefinition, LambdaResource, BatchJobDefinitionResource } from '../../infra/extract-definition';
import { extractTriggerRules } from '../../infra/extract-triggers';
import { S3Settings } from '../../core/store/s3-settings';
import { AslDefinition } from './asl-types';
import { BatchLaunch, BatchJob, JobDefinition } from './batch-job-runner';
import { readRetryRules } from './batch-retry-rules';
import { LambdaTarget } from './lambda-invoker';
import { LocalStateMachine } from './local-state-machine';
import { CloudFormationTemplate, SynthesizedStack, synthesizeStack } from './synthesize';
import { toTriggerRule, TriggerRule } from './trigger-rule';

export interface LocalPipelineOptions {
  s3: S3Settings;
  root?: string;
  /** Runs this script (with tsx) as the Batch job's entry point instead of the job definition's trainer entry. */
  trainerEntry?: string;
  /** Adjusts a Lambda task's target, e.g. to wrap a handler. */
  adjustLambda?: (target: LambdaTarget, task: { stateName: string; functionName: string }) => LambdaTarget;
  /** Replaces how the Batch job is launched (e.g. a tiny script when the trainer is not needed). */
  launchBatchJob?: (job: BatchJob) => BatchLaunch;
  /** Extra environment for the Batch job (e.g. a tiny trainer configuration). */
  batchEnvironment?: Record<string, string>;
  retryDelayMs?: number;
  /** Extra environment for the functions. */
  environment?: Record<string, string>;
}

export interface LocalPipeline {
  machine: LocalStateMachine;
  rules: TriggerRule[];
  definition: AslDefinition;
}

/** Function settings that make no sense in process, or would reach AWS services the local run has no stand-in for. */
const LOCAL_EXCLUDED_ENVIRONMENT = /^(NODE_OPTIONS|AWS_.*|SWIRL_STAGE|SWIRL_EVENT_BUS|POWERTOOLS_SERVICE_NAME)$/;

/** The environment every function shares (values equal across all of them); per-function values cannot be isolated in one process. */
export function describeSharedEnvironment(functions: LambdaResource[]): Record<string, string> {
  if (functions.length === 0) return {};
  const shared: Record<string, string> = {};
  for (const [name, value] of Object.entries(functions[0].environment)) {
    if (LOCAL_EXCLUDED_ENVIRONMENT.test(name)) continue;
    if (functions.every((stageFunction) => stageFunction.environment[name] === value)) shared[name] = value;
  }
  return shared;
}

export function createLocalPipeline(template: CloudFormationTemplate, options: LocalPipelineOptions): LocalPipeline {
  const extracted = extractStateMachineDefinition(template as never, { bucketName: options.s3.bucket, region: options.s3.region });
  const functions = new Map<string, LambdaResource>();
  const jobDefinitions: Record<string, JobDefinition> = {};
  for (const [reference, resource] of Object.entries(extracted.resources)) {
    if (resource.kind === 'lambda') functions.set(reference, resource);
    if (resource.kind === 'batch-job-definition') {
      const job = resource as BatchJobDefinitionResource;
      jobDefinitions[reference] = {
        command: job.command, environment: job.environment, parameters: job.parameters,
        attempts: job.attempts, attemptTimeoutSeconds: job.attemptTimeoutSeconds, entry: job.entry,
        retryRules: readRetryRules({ EvaluateOnExit: job.evaluateOnExit }),
      };
    }
  }
  const lambdas = (task: { stateName: string; functionName: string }): LambdaTarget | undefined => {
    const resource = functions.get(task.functionName);
    if (!resource) return undefined;
    const handlerPath = resource.entry ?? (resource.stage ? `functions/${resource.stage}/handler.ts` : undefined);
    if (!handlerPath) return undefined;
    const target = { handlerPath, stage: resource.stage ?? undefined, functionName: resource.functionName, timeoutSeconds: resource.timeoutSeconds };
    return options.adjustLambda ? options.adjustLambda(target, task) : target;
  };
  if (options.trainerEntry) for (const definition of Object.values(jobDefinitions)) definition.entry = options.trainerEntry;
  const definition = extracted.definition as unknown as AslDefinition;
  const machine = new LocalStateMachine({
    definition,
    lambdas,
    s3: options.s3,
    root: options.root,
    retryDelayMs: options.retryDelayMs,
    environment: { ...describeSharedEnvironment([...functions.values()]), ...(options.environment ?? {}) },
    batch: { jobDefinitions, launch: options.launchBatchJob, environment: options.batchEnvironment },
    stateMachineName: extracted.logicalId,
  });
  const rules = extractTriggerRules(template as never, { bucketName: options.s3.bucket, region: options.s3.region }).map(toTriggerRule);
  return { machine, rules, definition };
}

/** Synthesizes (or reads from the cache) the stack and builds the local pipeline from it. */
export function loadLocalPipeline(options: LocalPipelineOptions & { settings?: object; synthCacheDirectory?: string }): LocalPipeline & { synthesized: SynthesizedStack } {
  const synthesized = synthesizeStack({ root: options.root, settings: options.settings, cacheDirectory: options.synthCacheDirectory });
  return { ...createLocalPipeline(synthesized.template, options), synthesized };
}
