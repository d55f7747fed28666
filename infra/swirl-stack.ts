// The Swirl stack: run bucket, stage Lambdas, GPU training on Batch, the pipeline state machine and its triggers.
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeFindings } from './nag-acknowledgements';
import { CompletionEvents } from './constructs/completion-events';
import { DataBucket } from './constructs/data-bucket';
import { PipelineFunctions } from './constructs/pipeline-functions';
import { PipelineStateMachine } from './constructs/pipeline-state-machine';
import { RunTriggers } from './constructs/run-triggers';
import { TrainerBatch } from './constructs/trainer-batch';
import { resolveStackSettings, SwirlStackSettings, SwirlStackSettingsInput } from './stack-props';

export interface SwirlStackProps extends StackProps {
  /** Raw settings, validated with SwirlStackPropsSchema. */
  settings?: SwirlStackSettingsInput;
}

export class SwirlStack extends Stack {
  readonly settings: SwirlStackSettings;
  readonly data: DataBucket;
  readonly functions: PipelineFunctions;
  readonly trainer: TrainerBatch;
  readonly pipeline: PipelineStateMachine;
  readonly triggers: RunTriggers;
  readonly completion: CompletionEvents;

  constructor(scope: Construct, id: string, props: SwirlStackProps = {}) {
    super(scope, id, props);
    this.settings = resolveStackSettings(props.settings ?? {});
    this.data = new DataBucket(this, 'Data', this.settings);
    const bucket = this.data.bucket;
    this.completion = new CompletionEvents(this, 'Completion', this.settings);
    this.functions = new PipelineFunctions(this, 'Functions', { bucket, settings: this.settings, eventBusArn: this.completion.eventBusArn });
    this.trainer = new TrainerBatch(this, 'Trainer', { bucket, settings: this.settings });
    this.pipeline = new PipelineStateMachine(this, 'Pipeline', { bucket, functions: this.functions.functions, trainer: this.trainer, settings: this.settings });
    this.triggers = new RunTriggers(this, 'Triggers', { bucket, stateMachine: this.pipeline.stateMachine, schedules: this.settings.schedules });

    // CDK's own singleton that switches on EventBridge notifications for the bucket at deploy time.
    acknowledgeFindings(this, {
      rule: 'IAM4', pathMatches: /\/BucketNotificationsHandler[0-9a-f]+\//, allow: [/AWSLambdaBasicExecutionRole$/],
      reason: 'CDK\'s bucket-notifications custom resource ships with the basic execution policy; it only writes its own logs.',
    });
    acknowledgeFindings(this, {
      rule: 'IAM5', pathMatches: /\/BucketNotificationsHandler[0-9a-f]+\//, allow: [/^Resource::\*$/],
      reason: 'CDK\'s bucket-notifications custom resource calls s3:PutBucketNotification, which it scopes at runtime to the bucket it configures.',
    });

    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Upload run configs to s3://<bucket>/configs/<run>.json' });
    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
    new CfnOutput(this, 'JobQueueArn', { value: this.trainer.jobQueue.jobQueueArn });
    if (this.completion.topic) new CfnOutput(this, 'CompletionTopicArn', { value: this.completion.topic.topicArn });
  }
}
