// What starts runs: uploads of configs/*.json (EventBridge rule) and retraining schedules (EventBridge Scheduler).
import { TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ScheduleSettings } from '../stack-props';

/** Config uploads that start a run: any JSON object under configs/. */
export const CONFIG_KEY_WILDCARD = 'configs/*.json';

export interface RunTriggersProps {
  bucket: s3.IBucket;
  stateMachine: sfn.IStateMachine;
  schedules: ScheduleSettings[];
}

/** The input a schedule sends: the state machine turns runIdPrefix into a fresh run id for prepare. */
export function scheduledRunInput(bucketName: string, schedule: ScheduleSettings): Record<string, string> {
  return {
    bucket: bucketName,
    key: schedule.configKey,
    runIdPrefix: schedule.runIdPrefix,
    schedule: schedule.name,
    scheduledTime: scheduler.ContextAttribute.scheduledTime,
    executionId: scheduler.ContextAttribute.executionId,
  };
}

export class RunTriggers extends Construct {
  readonly configRule: events.Rule;
  readonly schedules: scheduler.Schedule[];

  constructor(scope: Construct, id: string, props: RunTriggersProps) {
    super(scope, id);
    const { bucket, stateMachine } = props;
    this.configRule = new events.Rule(this, 'ConfigUploaded', {
      description: 'Starts a Swirl run when a config JSON lands under configs/',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [bucket.bucketName] },
          object: { key: [{ wildcard: CONFIG_KEY_WILDCARD }] },
        },
      },
    });
    this.configRule.addTarget(new targets.SfnStateMachine(stateMachine, {
      input: events.RuleTargetInput.fromObject({
        bucket: events.EventField.fromPath('$.detail.bucket.name'),
        key: events.EventField.fromPath('$.detail.object.key'),
      }),
      retryAttempts: 8,
    }));
    this.schedules = props.schedules.map((schedule) => new scheduler.Schedule(this, `Schedule-${schedule.name}`, {
      description: `Swirl retraining from ${schedule.configKey}`,
      schedule: scheduler.ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timeZone)),
      enabled: schedule.enabled,
      target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject(scheduledRunInput(bucket.bucketName, schedule)),
        retryAttempts: 3,
      }),
    }));
  }
}
