// Run completion: the bus the report stage announces on, and an optional encrypted SNS topic fed from it.
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { RUN_EVENT_SOURCE, RUN_FAILED, RUN_FINISHED } from '../../core/report/run-event';
import { SwirlStackSettings } from '../stack-props';

export class CompletionEvents extends Construct {
  readonly eventBusArn: string;
  readonly topic?: sns.Topic;

  constructor(scope: Construct, id: string, settings: SwirlStackSettings) {
    super(scope, id);
    const bus = events.EventBus.fromEventBusName(this, 'Bus', settings.eventBusName);
    this.eventBusArn = Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: settings.eventBusName });
    if (!settings.completionTopic && settings.notificationEmails.length === 0) return;
    // EventBridge cannot publish to a topic encrypted with the AWS-managed SNS key, so the topic gets its own key.
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: 'Swirl completion topic' });
    key.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Swirl runs', masterKey: key, enforceSSL: true });
    for (const email of settings.notificationEmails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    new events.Rule(this, 'RunEnded', {
      description: 'Forwards Swirl run completion events to the topic',
      eventBus: bus,
      eventPattern: { source: [RUN_EVENT_SOURCE], detailType: [RUN_FINISHED, RUN_FAILED] },
      targets: [new targets.SnsTopic(this.topic)],
    });
  }
}
