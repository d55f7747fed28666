// The synthesized stack: bucket, trigger, state machine, Batch and least-privilege roles.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LAMBDA_STAGES } from '../../infra/stack-props';
import { STAGE_ACCESS } from '../../infra/constructs/stage-access';
import { BATCH_JOBS, JOB_ACCESS } from '../../infra/constructs/job-access';
import { extractStateMachineDefinition } from '../../infra/extract-definition';
import { synthesizeSwirl, SynthesizedSwirl, TEST_MODEL_ARN, TEST_SECRET_ARN } from './support/synthesize-swirl';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
// cdk-nag runs once, below, through validateScope (the same check `cdk synth` runs as a validation plugin).
const synthesized: SynthesizedSwirl = synthesizeSwirl(undefined, { checks: false });
const resources = synthesized.template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
const runBucketId = Object.keys(resources).find((id) => id.startsWith('DataRuns') && resources[id].Type === 'AWS::S3::Bucket')!;

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Renders a resource ARN expression as text, e.g. {"Fn::Join": ["", [{"Fn::GetAtt": ["X", "Arn"]}, "/runs/*"]]} → "<X.Arn>/runs/*". */
function renderArn(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if (object['Fn::GetAtt']) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
  if (object.Ref) return `<${String(object.Ref)}>`;
  if (object['Fn::Join']) return (object['Fn::Join'] as [string, unknown[]])[1].map(renderArn).join((object['Fn::Join'] as [string])[0]);
  return JSON.stringify(value);
}

function statementsOfRole(roleId: string): Statement[] {
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && (resource.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((resource) => (resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('run bucket', () => {
  it('is private, encrypted, versioned, logged, announces to EventBridge and expires scratch prefixes', () => {
    const bucket = resources[runBucketId].Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(JSON.stringify(bucket.BucketEncryption)).toContain('AES256');
    expect(bucket.LoggingConfiguration).toEqual(expect.objectContaining({ DestinationBucketName: expect.anything() }));
    const rules = (bucket.LifecycleConfiguration as { Rules: Array<{ Prefix?: string; ExpirationInDays?: number }> }).Rules;
    expect(rules.find((rule) => rule.Prefix === 'cache/')?.ExpirationInDays).toBe(14);
    expect(rules.find((rule) => rule.Prefix === 'map-results/')?.ExpirationInDays).toBeGreaterThan(0);
    synthesized.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: runBucketId },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('denies every request that does not use TLS, on the bucket and its objects', () => {
    const policy = Object.values(resources).find((resource) => resource.Type === 'AWS::S3::BucketPolicy' && (resource.Properties.Bucket as { Ref: string }).Ref === runBucketId)!;
    const statements = (policy.Properties.PolicyDocument as { Statement: Array<Statement & { Condition?: unknown; Principal?: unknown }> }).Statement;
    const tlsOnly = statements.find((statement) => JSON.stringify(statement.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}')!;
    expect(tlsOnly.Effect).toBe('Deny');
    expect(tlsOnly.Principal).toEqual({ AWS: '*' });
    expect(tlsOnly.Action).toBe('s3:*');
    expect((tlsOnly.Resource as unknown[]).map(renderArn).sort()).toEqual([`<${runBucketId}.Arn>`, `<${runBucketId}.Arn>/*`]);
    expect(statements.filter((statement) => statement.Effect === 'Allow')).toEqual([]);
  });
});

describe('config trigger', () => {
  const rule = Object.values(resources).find((resource) => resource.Type === 'AWS::Events::Rule' && JSON.stringify(resource.Properties.EventPattern).includes('aws.s3'))!;
  const pattern = rule.Properties.EventPattern as { source: string[]; 'detail-type': string[]; detail: { bucket: { name: unknown[] }; object: { key: Array<{ wildcard: string }> } } };

  it('listens only to objects created under configs/ ending in .json in the run bucket', () => {
    expect(pattern.source).toEqual(['aws.s3']);
    expect(pattern['detail-type']).toEqual(['Object Created']);
    expect(pattern.detail.bucket.name).toEqual([{ Ref: runBucketId }]);
    const wildcard = pattern.detail.object.key[0].wildcard;
    const matches = (key: string) => new RegExp(`^${wildcard.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`).test(key);
    expect(matches('configs/gsm8k.json')).toBe(true);
    expect(matches('configs/team/nightly.json')).toBe(true);
    expect(matches('configs/notes.txt')).toBe(false);
    expect(matches('runs/r1/config.json')).toBe(false);
    expect(matches('schedules/nightly.json')).toBe(false);
  });

  it('starts the state machine with only the bucket and key', () => {
    const target = (rule.Properties.Targets as Array<{ Arn: unknown; InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string } }>)[0];
    expect(renderArn(target.Arn)).toMatch(/^<Pipeline[0-9A-F]{8}>$/);
    const paths = Object.values(target.InputTransformer.InputPathsMap).sort();
    expect(paths).toEqual(['$.detail.bucket.name', '$.detail.object.key']);
    expect(target.InputTransformer.InputTemplate.replace(/\s/g, '')).toMatch(/^\{"bucket":<[^>]+>,"key":<[^>]+>\}$/);
  });
});

describe('stage Lambdas', () => {
  const functions = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['swirl:stage']);

  it('exist for every stage, on ARM64 and the current Node.js runtime, with Powertools settings', () => {
    expect(functions.map(([, resource]) => resource.Metadata!['swirl:stage']).sort()).toEqual([...LAMBDA_STAGES].sort());
    for (const [, resource] of functions) {
      expect(resource.Properties.Architectures).toEqual(['arm64']);
      expect(resource.Properties.Runtime).toBe('nodejs24.x');
      const variables = (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(`swirl-${String(resource.Metadata!['swirl:stage'])}`);
      expect(variables.SWIRL_BUCKET).toEqual({ Ref: runBucketId });
    }
  });

  it.each(LAMBDA_STAGES.map((stage) => [stage]))('%s reads and writes only its own key patterns, models and secrets where it calls models', (stage) => {
    const [, resource] = functions.find(([, candidate]) => candidate.Metadata!['swirl:stage'] === stage)!;
    const roleId = (resource.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    expect(resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOfRole(roleId);
    const access = STAGE_ACCESS[stage];
    const byAction = (action: string) => statements.filter((statement) => asList(statement.Action).includes(action)).flatMap((statement) => asList(statement.Resource).map(renderArn));
    for (const statement of statements) {
      const actions = asList(statement.Action);
      for (const resourceArn of asList(statement.Resource).map(renderArn)) {
        if (resourceArn === '*') expect(actions.every((action) => action.startsWith('xray:'))).toBe(true);
        expect(resourceArn).not.toBe(`<${runBucketId}.Arn>/*`);
      }
    }
    const bucket = `<${runBucketId}.Arn>/`;
    expect(byAction('s3:PutObject').sort()).toEqual(access.write.map((pattern) => bucket + pattern).sort());
    expect(byAction('s3:GetObject').sort()).toEqual([...new Set([...access.read, ...access.write, ...access.delete])].map((pattern) => bucket + pattern).sort());
    // Deletes only where the stage's code deletes: stale status and manifests, progress logs, the run's claim.
    expect(byAction('s3:DeleteObject').sort()).toEqual(access.delete.map((pattern) => bucket + pattern).sort());
    expect(byAction('s3:ListBucket')).toEqual([`<${runBucketId}.Arn>`]);
    expect(byAction('bedrock:InvokeModel')).toEqual(access.callsModels ? [TEST_MODEL_ARN] : []);
    expect(byAction('secretsmanager:GetSecretValue')).toEqual(access.callsModels ? [TEST_SECRET_ARN] : []);
    expect(byAction('events:PutEvents')).toEqual(access.putsEvents ? ['arn:<AWS::Partition>:events:us-east-1:123456789012:event-bus/default'] : []);
  });
});

describe('trainer on Batch', () => {
  const jobDefinitions = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::Batch::JobDefinition');
  const commandOf = (resource: { Properties: Record<string, unknown> }) => (resource.Properties.ContainerProperties as { Command: string[] }).Command;

  it('builds the trainer image from a context holding the trainer, core and the builtin tiny policy, and not the demo builder', () => {
    const outdir = synthesized.app.outdir;
    const context = readdirSync(outdir).map((name) => join(outdir, name)).find((path) => existsSync(join(path, 'containers/trainer/Dockerfile')));
    expect(context).toBeDefined();
    expect(existsSync(join(context!, 'models/tiny-policy/config.json'))).toBe(true);
    expect(existsSync(join(context!, 'core'))).toBe(true);
    expect(existsSync(join(context!, 'local'))).toBe(false);
    expect(existsSync(join(context!, 'models/tiny-policy-stage1'))).toBe(false);
  });

  it('has one job definition per trainer entry point (train, rollout, evaluate), each on a GPU, retrying spot reclaims and host errors, with a timeout', () => {
    synthesized.template.resourceCountIs('AWS::Batch::JobDefinition', 3);
    expect(jobDefinitions.map(([, resource]) => commandOf(resource)[0]).sort()).toEqual(['evaluate', 'rollout', 'train']);
    for (const command of BATCH_JOBS.map((job) => JOB_ACCESS[job].command)) {
      synthesized.template.hasResourceProperties('AWS::Batch::JobDefinition', {
        ContainerProperties: Match.objectLike({
          ResourceRequirements: Match.arrayWith([{ Type: 'GPU', Value: '1' }]),
          Command: command,
        }),
        RetryStrategy: {
          Attempts: 4,
          EvaluateOnExit: Match.arrayWith([
            { Action: 'RETRY', OnStatusReason: 'Host EC2*' },
            { Action: 'RETRY', OnReason: 'CannotStartContainerError*' },
            { Action: 'EXIT', OnReason: '*' },
          ]),
        },
        Timeout: { AttemptDurationSeconds: 720 * 60 },
      });
    }
    // One image for all three.
    expect(new Set(jobDefinitions.map(([, resource]) => JSON.stringify((resource.Properties.ContainerProperties as { Image: unknown }).Image))).size).toBe(1);
  });

  it.each(BATCH_JOBS.map((job) => [job]))('the %s job\'s role reads and writes only its own key patterns', (job) => {
    const [, resource] = jobDefinitions.find(([, candidate]) => commandOf(candidate)[0] === job)!;
    const roleId = ((resource.Properties.ContainerProperties as { JobRoleArn: { 'Fn::GetAtt': string[] } }).JobRoleArn)['Fn::GetAtt'][0];
    const statements = statementsOfRole(roleId);
    const access = JOB_ACCESS[job];
    const byAction = (action: string) => statements.filter((statement) => asList(statement.Action).includes(action)).flatMap((statement) => asList(statement.Resource).map(renderArn));
    const bucket = `<${runBucketId}.Arn>/`;
    expect(byAction('s3:PutObject').sort()).toEqual(access.write.map((pattern) => bucket + pattern).sort());
    expect(byAction('s3:GetObject').sort()).toEqual([...new Set([...access.read, ...access.write, ...access.delete])].map((pattern) => bucket + pattern).sort());
    // Deletes only where the stage's code deletes: stale status and manifests, progress logs, the run's claim.
    expect(byAction('s3:DeleteObject').sort()).toEqual(access.delete.map((pattern) => bucket + pattern).sort());
    expect(byAction('bedrock:InvokeModel')).toEqual(access.callsModels ? [TEST_MODEL_ARN] : []);
    for (const statement of statements) for (const arn of asList(statement.Resource).map(renderArn)) expect(arn).not.toBe(`<${runBucketId}.Arn>/*`);
  });

  it('lets the state machine submit the three jobs to the GPU queue', () => {
    const machine = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine')!;
    const roleId = (machine[1].Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const submit = statementsOfRole(roleId).filter((statement) => asList(statement.Action).includes('batch:SubmitJob')).flatMap((statement) => asList(statement.Resource).map(renderArn));
    expect(submit).toContainEqual(expect.stringMatching(/^<TrainerGpuQueue[0-9A-F]{8}\.JobQueueArn>$/));
    expect(submit).toContainEqual(expect.stringMatching(/:job-definition\/\*$/));
  });

  it('runs on GPU instance types in a managed spot environment with no inbound access', () => {
    synthesized.template.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      Type: 'managed',
      ComputeResources: Match.objectLike({
        Type: 'SPOT',
        InstanceTypes: ['g5.xlarge', 'g5.2xlarge', 'g6.xlarge', 'g6.2xlarge'],
        MaxvCpus: 32,
        Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
      }),
    });
    const groups = Object.values(resources).filter((resource) => resource.Type === 'AWS::EC2::SecurityGroup');
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(Object.values(resources).some((resource) => resource.Type === 'AWS::EC2::NatGateway')).toBe(false);
  });
});

describe('retraining schedule', () => {
  it('starts the state machine from the template key with a prefix and the Scheduler\'s execution id', () => {
    const schedule = Object.values(resources).find((resource) => resource.Type === 'AWS::Scheduler::Schedule')!;
    expect(schedule.Properties.ScheduleExpression).toBe('cron(0 3 * * ? *)');
    expect(schedule.Properties.ScheduleExpressionTimezone).toBe('UTC');
    const target = schedule.Properties.Target as { Arn: unknown; Input: unknown; RoleArn: unknown };
    expect(renderArn(target.Arn)).toMatch(/^<Pipeline[0-9A-F]{8}>$/);
    const input = renderArn(target.Input);
    expect(input).toContain('"key":"schedules/nightly.json"');
    expect(input).toContain('"runIdPrefix":"nightly"');
    expect(input).toContain('"executionId":"<aws.scheduler.execution-id>"');
    expect(input).toContain(`"bucket":"<${runBucketId}>"`);
  });
});

describe('failure handling', () => {
  const { definition } = extractStateMachineDefinition(synthesized.template);
  const states = definition.States as Record<string, { Type: string; Next?: string; Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath: string }>; Parameters?: Record<string, unknown> }>;
  const stages = ['Prepare', 'Rollout', 'Rollout on Batch', 'Decompose and judge', 'Assemble', 'Train', 'Evaluate', 'Report'];

  /** The catcher of every other error: the last one (Prepare first routes a duplicate trigger away). */
  const catchAll = (name: string) => states[name].Catch![states[name].Catch!.length - 1];

  it.each(stages.map((name) => [name]))('%s catches every error into a stage-named record of the failure', (name) => {
    const catchers = states[name].Catch!;
    expect(catchers).toHaveLength(name === 'Prepare' ? 2 : 1);
    expect(catchAll(name).ErrorEquals).toEqual(['States.ALL']);
    expect(catchAll(name).ResultPath).toBe('$.failure');
    const failed = states[catchAll(name).Next];
    expect(failed.Type).toBe('Pass');
    expect(failed.Parameters).toEqual(expect.objectContaining({ 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause', 'input.$': '$' }));
    expect(failed.Next).toBe('Record failure');
  });

  it('records the failure, reports it, then ends the execution as failed', () => {
    expect(states['Record failure'].Next).toBe('Report failure');
    expect(states['Report failure'].Next).toBe('Run failed');
    expect(states['Run failed'].Type).toBe('Fail');
    expect(states['Record failure'].Catch![0].Next).toBe('Run failed');
    expect(states['Report failure'].Catch![0].Next).toBe('Run failed');
    const recordedStages = stages.map((name) => states[catchAll(name).Next].Parameters!.stage);
    expect(recordedStages).toEqual(['prepare', 'rollout', 'rollout', 'decompose', 'assemble', 'train', 'evaluate', 'report']);
  });

  it('claims the run for the execution before prepare, and ends a duplicate trigger without recording a failure', () => {
    expect(states['Name the claiming execution']).toMatchObject({ Type: 'Pass', Parameters: { 'name.$': '$$.Execution.Name' }, ResultPath: '$.execution', Next: 'Prepare' });
    expect(states.Prepare.Catch![0]).toEqual({ ErrorEquals: ['RunAlreadyClaimed'], Next: 'Duplicate trigger', ResultPath: '$.duplicate' });
    expect(states['Duplicate trigger'].Type).toBe('Succeed');
    // Report frees the claim only when it is this execution's.
    expect(states.Report.Parameters).toEqual(expect.objectContaining({ Payload: { 'runId.$': '$.run.runId', 'execution.$': '$$.Execution.Name' } }));
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged findings', () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.app);
    const findings = report.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((resource) => resource.locations?.join(',') ?? resource.resourceLogicalId).join('; ')}`);
    expect(findings).toEqual([]);
  });

  it('still catches a wildcard that nobody acknowledged (the check is live)', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe');
    const role = new iam.Role(stack, 'Probe', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    app.synth();
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => violation.ruleName)).toContain('AwsSolutions-IAM5[Resource::*]');
  });
});
