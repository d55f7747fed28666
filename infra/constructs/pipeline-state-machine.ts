// The run's Standard state machine (JSONPath only, so the local engine runs the same definition).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { RUN_ALREADY_CLAIMED } from '../../core/run/run-claim';
import { LambdaStage, SwirlStackSettings } from '../stack-props';
import { acknowledgeFindings } from '../nag-acknowledgements';
import { SCRATCH_PREFIXES } from './data-bucket';
import type { ModelRunner } from '../../core/evaluate/evaluation-plan';
import { BatchJobName } from './job-access';
import { TrainerBatch } from './trainer-batch';

/** Errors of the Lambda service itself (not of the handler), retried with backoff. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
];
/** Thrown by the rollout handler when it saved progress before its time ran out; a retry continues the shard. */
export const SHARD_INCOMPLETE_ERROR = 'ShardIncompleteError';
export const BATCH_SERVICE_ERRORS = ['Batch.AWSBatchException', 'Batch.ServerException', 'Batch.TooManyRequestsException'];
/** A Batch job that failed after its own attempts (a shard that died): a new job resumes or overwrites its output. */
export const BATCH_JOB_FAILED = 'States.TaskFailed';
/** The evaluation plan's and prepare's runner value for work on the trainer image. */
const BATCH_RUNNER = 'batch' satisfies ModelRunner;
/** The Fail state's error name: the cause is in runs/<run>/status.json. */
export const RUN_FAILED_ERROR = 'SwirlRunFailed';

export interface PipelineStateMachineProps {
  bucket: s3.IBucket;
  functions: Record<LambdaStage, lambda.IFunction>;
  trainer: TrainerBatch;
  settings: SwirlStackSettings;
}

export class PipelineStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: PipelineStateMachineProps) {
    super(scope, id);
    const { functions, settings } = props;

    const runFailed = new sfn.Fail(this, 'Run failed', { error: RUN_FAILED_ERROR, cause: 'A stage failed; runs/<run>/status.json holds the stage and its error.' });
    const reportFailure = this.invoke('Report failure', functions.report, { payload: sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.runId'), execution: sfn.JsonPath.stringAt('$$.Execution.Name') }) })
      .addCatch(runFailed, { resultPath: '$.failure' })
      .next(runFailed);
    const recordFailure = this.invoke('Record failure', functions['record-failure'], {
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      resultSelector: { runId: sfn.JsonPath.stringAt('$.Payload.runId') },
    }).addCatch(runFailed, { resultPath: '$.failure' }).next(reportFailure);
    // One record-the-failure state per stage, shared by every state of that stage (the two rollout maps).
    const failureStates = new Map<string, sfn.IChainable>();
    const onFailure = (stage: string): sfn.IChainable => {
      const existing = failureStates.get(stage);
      if (existing) return existing;
      const created = new sfn.Pass(this, `${capitalize(stage)} failed`, {
        parameters: {
          stage,
          error: sfn.JsonPath.stringAt('$.failure.Error'),
          cause: sfn.JsonPath.stringAt('$.failure.Cause'),
          execution: sfn.JsonPath.stringAt('$$.Execution.Name'),
          input: sfn.JsonPath.objectAt('$'),
        },
      }).next(recordFailure);
      failureStates.set(stage, created);
      return created;
    };
    const runId = sfn.JsonPath.stringAt('$.run.runId');
    const runPayload = sfn.TaskInput.fromObject({ runId });

    const assignRunId = new sfn.Pass(this, 'Name scheduled run', {
      comment: 'Schedules pass a prefix; each execution gets <prefix>-<uuid> as its run id.',
      parameters: {
        bucket: sfn.JsonPath.stringAt('$.bucket'),
        key: sfn.JsonPath.stringAt('$.key'),
        runId: sfn.JsonPath.format('{}-{}', sfn.JsonPath.stringAt('$.runIdPrefix'), sfn.JsonPath.uuid()),
      },
    });
    const prepareSelector: Record<string, string> = {
      runId: sfn.JsonPath.stringAt('$.Payload.runId'),
      manifestKey: sfn.JsonPath.stringAt('$.Payload.manifestKey'),
      shardCount: sfn.JsonPath.numberAt('$.Payload.shardCount') as unknown as string,
      policyRunner: sfn.JsonPath.stringAt('$.Payload.policyRunner'),
      evaluationPlanKey: sfn.JsonPath.stringAt('$.Payload.evaluationPlanKey'),
    };
    if (settings.toleratedFailureFromConfig) prepareSelector.toleratedFailurePercentage = sfn.JsonPath.numberAt('$.Payload.toleratedFailurePercentage') as unknown as string;
    // Prepare claims the run for this execution; a duplicate trigger (an S3 event delivered twice, a config put twice)
    // finds the claim taken and ends here, leaving the running execution's files and status alone.
    const nameExecution = new sfn.Pass(this, 'Name the claiming execution', {
      parameters: { name: sfn.JsonPath.stringAt('$$.Execution.Name') },
      resultPath: '$.execution',
    });
    const duplicate = new sfn.Succeed(this, 'Duplicate trigger', { comment: 'Another execution holds this run: nothing to do.' });
    const prepare = this.invoke('Prepare', functions.prepare, { payload: sfn.TaskInput.fromJsonPathAt('$'), resultSelector: prepareSelector, resultPath: '$.run' })
      .addCatch(duplicate, { errors: [RUN_ALREADY_CLAIMED], resultPath: '$.duplicate' })
      .addCatch(onFailure('prepare'), { resultPath: '$.failure' });

    // Where rollouts run follows who serves the policy: Lambdas for a model behind an API, GPU jobs for the trainer's own.
    const rolloutShard = this.invoke('Roll out shard', functions.rollout, { payload: sfn.TaskInput.fromJsonPathAt('$'), outputPath: '$.Payload' });
    rolloutShard.addRetry({ errors: [SHARD_INCOMPLETE_ERROR], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 8, maxDelay: Duration.seconds(30) });
    const rolloutOnLambda = this.shardMap('Rollout', 'rollout', settings.maxConcurrency.rollout, '$.run.manifestKey', props)
      .itemProcessor(rolloutShard)
      .addCatch(onFailure('rollout'), { resultPath: '$.failure' });
    const rolloutShardJob = this.submitJob('Roll out shard on Batch', 'rollout', props, {
      jobName: sfn.JsonPath.format('swirl-{}-{}', sfn.JsonPath.stringAt('$.runId'), sfn.JsonPath.stringAt('$.shard')),
      parameters: { runId: sfn.JsonPath.stringAt('$.runId'), shard: sfn.JsonPath.stringAt('$.shard') },
    });
    const rolloutOnBatch = this.shardMap('Rollout on Batch', 'rollout-jobs', settings.maxConcurrency.rolloutJobs, '$.run.manifestKey', props)
      .itemProcessor(rolloutShardJob)
      .addCatch(onFailure('rollout'), { resultPath: '$.failure' });
    const rollout = new sfn.Choice(this, 'Policy served by the trainer?')
      .when(sfn.Condition.stringEquals('$.run.policyRunner', BATCH_RUNNER), rolloutOnBatch)
      .otherwise(rolloutOnLambda)
      .afterwards();

    const decompose = this.invoke('Decompose shard', functions.decompose, { payload: sfn.TaskInput.fromJsonPathAt('$'), resultPath: sfn.JsonPath.DISCARD });
    const judge = this.invoke('Judge shard', functions.judge, { payload: sfn.TaskInput.fromJsonPathAt('$'), outputPath: '$.Payload' });
    const judgeMap = this.shardMap('Decompose and judge', 'judge', settings.maxConcurrency.judge, '$.run.manifestKey', props)
      .itemProcessor(decompose.next(judge))
      .addCatch(onFailure('decompose'), { resultPath: '$.failure' });

    const assemble = this.invoke('Assemble', functions.assemble, { payload: runPayload, resultPath: sfn.JsonPath.DISCARD })
      .addCatch(onFailure('assemble'), { resultPath: '$.failure' });
    const train = this.submitJob('Train', 'train', props, {
      jobName: sfn.JsonPath.format('swirl-train-{}', sfn.JsonPath.stringAt('$.run.runId')),
      parameters: { runId: sfn.JsonPath.stringAt('$.run.runId') },
      environment: { SWIRL_RUN_ID: sfn.JsonPath.stringAt('$.run.runId') },
      retryTaskFailures: false,
    }).addCatch(onFailure('train'), { resultPath: '$.failure' });
    const evaluate = this.evaluationMap(props).addCatch(onFailure('evaluate'), { resultPath: '$.failure' });
    const report = this.invoke('Report', functions.report, {
      payload: sfn.TaskInput.fromObject({ runId, execution: sfn.JsonPath.stringAt('$$.Execution.Name') }),
      resultSelector: { metricsKey: sfn.JsonPath.stringAt('$.Payload.metricsKey'), reportKey: sfn.JsonPath.stringAt('$.Payload.reportKey') },
      resultPath: '$.report',
    }).addCatch(onFailure('report'), { resultPath: '$.failure' });

    prepare.next(rollout).next(judgeMap).next(assemble).next(train).next(evaluate).next(report)
      .next(new sfn.Succeed(this, 'Run succeeded'));
    const start = new sfn.Choice(this, 'Scheduled run?')
      .when(sfn.Condition.isPresent('$.runIdPrefix'), assignRunId.next(nameExecution))
      .otherwise(nameExecution);
    nameExecution.next(prepare);

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: settings.logRetentionDays as logs.RetentionDays,
      removalPolicy: settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Pipeline', {
      comment: 'Swirl run: prepare, rollout, decompose and judge, assemble, train, evaluate, report',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(start),
      timeout: Duration.hours(settings.executionTimeoutHours),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    acknowledgeFindings(this, {
      rule: 'IAM5',
      allow: [
        /^Resource::<Functions[A-Za-z]+[0-9A-F]{8}\.Arn>:\*$/,
        /^Resource::arn:<AWS::Partition>:s3:::<DataRuns[0-9A-F]{8}>\/\*$/,
        /^Resource::arn:<AWS::Partition>:states:[^:]+:[^:]+:execution:.*:\*$/,
        /^Resource::arn:<AWS::Partition>:batch:[^:]+:[^:]+:job-definition\/\*$/,
        /^Resource::\*$/,
      ],
      reason: 'Generated by CDK: invoking any version of the stage functions, the Distributed Maps reading shard manifests and writing map results in the run bucket and managing their own child executions, and submitting the trainer job (CDK grants job-definition/* to cover its revisions), X-Ray, log delivery and Batch event rules, which take no narrower resource.',
    });
  }

  private invoke(name: string, stageFunction: lambda.IFunction, options: Partial<tasks.LambdaInvokeProps> & { payload: sfn.TaskInput }): tasks.LambdaInvoke {
    const timeout = (stageFunction as lambda.Function).timeout ?? Duration.minutes(15);
    const task = new tasks.LambdaInvoke(this, name, {
      lambdaFunction: stageFunction,
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(Duration.seconds(timeout.toSeconds() + 30)),
      ...options,
    });
    task.addRetry({ errors: LAMBDA_SERVICE_ERRORS, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 6, maxDelay: Duration.seconds(60), jitterStrategy: sfn.JitterType.FULL });
    return task;
  }

  private shardMap(name: string, resultFolder: string, maxConcurrency: number, itemsKeyPath: string, props: PipelineStateMachineProps, comment = 'One child execution per shard of runs/<run>/shards/manifest.json'): sfn.DistributedMap {
    const { settings, bucket } = props;
    return new sfn.DistributedMap(this, name, {
      comment,
      itemReader: new sfn.S3JsonItemReader({ bucket, key: sfn.JsonPath.stringAt(itemsKeyPath) }),
      maxConcurrency,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      ...(settings.toleratedFailureFromConfig
        ? { toleratedFailurePercentagePath: '$.run.toleratedFailurePercentage' }
        : { toleratedFailurePercentage: settings.toleratedFailurePercentage }),
      // Child results go to S3 so the map's own output stays tiny whatever the number of shards.
      resultWriterV2: new sfn.ResultWriterV2({ bucket, prefix: `${SCRATCH_PREFIXES.mapResults}${resultFolder}` }),
      resultPath: sfn.JsonPath.DISCARD,
      label: name.replace(/[^A-Za-z0-9]/g, ''),
    });
  }

  /** One (model, eval set) pair per child: the trainer's own models as Batch jobs, models behind an API in the Lambda. */
  private evaluationMap(props: PipelineStateMachineProps): sfn.DistributedMap {
    const pairFailed = new sfn.Pass(this, 'Pair failed', {
      comment: 'A pair that failed for good leaves no result file; the report lists it and the other pairs go on.',
      parameters: { model: sfn.JsonPath.stringAt('$.model'), set: sfn.JsonPath.stringAt('$.set'), error: sfn.JsonPath.stringAt('$.failure.Error') },
    });
    const pair = { runId: sfn.JsonPath.stringAt('$.runId'), model: sfn.JsonPath.stringAt('$.model'), set: sfn.JsonPath.stringAt('$.set') };
    const onBatch = this.submitJob('Evaluate pair on Batch', 'evaluate', props, {
      jobName: sfn.JsonPath.format('swirl-{}-{}', sfn.JsonPath.stringAt('$.runId'), sfn.JsonPath.stringAt('$.model')),
      parameters: pair,
    }).addCatch(pairFailed, { resultPath: '$.failure' });
    const onLambda = this.invoke('Evaluate pair', props.functions.evaluate, {
      payload: sfn.TaskInput.fromObject(pair),
      resultSelector: { state: sfn.JsonPath.stringAt('$.Payload.state') },
    }).addCatch(pairFailed, { resultPath: '$.failure' });
    const processor = new sfn.Choice(this, 'Model served by the trainer?')
      .when(sfn.Condition.stringEquals('$.runner', BATCH_RUNNER), onBatch)
      .otherwise(onLambda);
    return this.shardMap('Evaluate', 'evaluate', props.settings.maxConcurrency.evaluate, '$.run.evaluationPlanKey', props,
      'One child execution per (model, eval set) pair of runs/<run>/eval/pairs.json').itemProcessor(processor);
  }

  /** A `submitJob.sync` task on the GPU queue running one entry point of the trainer image. */
  private submitJob(name: string, job: BatchJobName, props: PipelineStateMachineProps, options: {
    jobName: string; parameters: Record<string, string>; environment?: Record<string, string>; retryTaskFailures?: boolean;
  }): tasks.BatchSubmitJob {
    const { trainer } = props;
    const attempts = props.settings.batch.attempts;
    const task = new SyncJobTask(this, name, {
      jobName: options.jobName,
      jobQueueArn: trainer.jobQueue.jobQueueArn,
      jobDefinitionArn: trainer.jobDefinitions[job].jobDefinitionArn,
      payload: sfn.TaskInput.fromObject(options.parameters),
      ...(options.environment ? { containerOverrides: { environment: options.environment } } : {}),
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      // Every Batch attempt may run to its own timeout, plus time queued for capacity.
      stateTimeout: Duration.minutes(trainer.attemptTimeout.toMinutes() * attempts + 60),
      resultPath: sfn.JsonPath.DISCARD,
    });
    task.addRetry({ errors: BATCH_SERVICE_ERRORS, interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 3 });
    // A shard or pair whose job died is submitted again: its output keys are deterministic, finished work is skipped.
    if (options.retryTaskFailures ?? true) task.addRetry({ errors: [BATCH_JOB_FAILED], interval: Duration.seconds(30), backoffRate: 2, maxAttempts: 2 });
    return task;
  }
}

/**
 * BatchSubmitJob renders taskTimeout as the job's per-attempt timeout, overriding the job definition's;
 * the state needs its own TimeoutSeconds instead, which this adds.
 */
class SyncJobTask extends tasks.BatchSubmitJob {
  private readonly stateTimeout: Duration;

  constructor(scope: Construct, id: string, props: tasks.BatchSubmitJobProps & { stateTimeout: Duration }) {
    const { stateTimeout, ...rest } = props;
    super(scope, id, rest);
    this.stateTimeout = stateTimeout;
  }

  override toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return { ...super.toStateJson(topLevelQueryLanguage), TimeoutSeconds: this.stateTimeout.toSeconds() };
  }
}

function capitalize(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}
