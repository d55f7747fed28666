// One Lambda per stage, bundled by local esbuild, each with a role limited to the key prefixes its stage needs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAMBDA_STAGES, LambdaStage, SwirlStackSettings } from '../stack-props';
import { acknowledgeFindings } from '../nag-acknowledgements';
import { STAGE_ACCESS, stageEntry } from './stage-access';

export const PROJECT_ROOT = join(__dirname, '..', '..');
/** Metadata keys on each function resource, read back by the local engine to find the real handler. */
export const STAGE_METADATA_KEY = 'swirl:stage';
export const ENTRY_METADATA_KEY = 'swirl:entry';
/** cdk-nag finding for an object pattern inside the run bucket. */
export const RUN_BUCKET_OBJECTS = /^Resource::<DataRuns[0-9A-F]{8}\.Arn>\/[a-z-]+\/(\*|[^*]*)/;

export interface PipelineFunctionsProps {
  bucket: s3.IBucket;
  settings: SwirlStackSettings;
  eventBusArn: string;
}

export class PipelineFunctions extends Construct {
  readonly functions: Record<LambdaStage, lambda.IFunction>;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const entries = {} as Record<LambdaStage, lambda.IFunction>;
    for (const stage of LAMBDA_STAGES) entries[stage] = this.createStageFunction(stage, props);
    this.functions = entries;
  }

  private createStageFunction(stage: LambdaStage, props: PipelineFunctionsProps): lambda.IFunction {
    const { bucket, settings } = props;
    const access = STAGE_ACCESS[stage];
    const sizing = settings.functions[stage] ?? {};
    const id = stage.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join('');
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: settings.logRetentionDays as logs.RetentionDays,
      removalPolicy: settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // An explicit role instead of the managed basic-execution policy: logs only to this function's group.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Swirl ${stage} stage`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.grantStageAccess(role, stage, props);

    const environment: Record<string, string> = {
      SWIRL_BUCKET: bucket.bucketName,
      SWIRL_STAGE: stage,
      POWERTOOLS_SERVICE_NAME: `swirl-${stage}`,
      POWERTOOLS_METRICS_NAMESPACE: 'Swirl',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    if (access.putsEvents) environment.SWIRL_EVENT_BUS = settings.eventBusName;
    // A run's claim lasts as long as an execution can: after the state machine's timeout the holder has ended.
    if (stage === 'prepare') environment.SWIRL_CLAIM_HOURS = String(settings.executionTimeoutHours);
    const common = {
      description: `Swirl: ${access.description}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: sizing.memoryMiB ?? access.memoryMiB,
      timeout: Duration.seconds(sizing.timeoutSeconds ?? access.timeoutSeconds),
      role,
      logGroup,
      environment,
      tracing: lambda.Tracing.ACTIVE,
    };
    const entry = stageEntry(stage);
    const entryPath = join(PROJECT_ROOT, entry);
    if (!existsSync(entryPath)) throw new Error(`the ${stage} stage needs its handler at ${entry}, which does not exist`);
    const stageFunction = new NodejsFunction(this, id, {
      ...common,
      entry: entryPath,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // The project pins its SDK versions; bundle them rather than rely on the runtime's copy.
        externalModules: [],
      },
    });
    const resource = stageFunction.node.defaultChild as lambda.CfnFunction;
    resource.addMetadata(STAGE_METADATA_KEY, stage);
    resource.addMetadata(ENTRY_METADATA_KEY, entry);
    acknowledgeFindings(role, {
      rule: 'IAM5',
      allow: [RUN_BUCKET_OBJECTS, /^Resource::\*$/],
      reason: 'Object access is limited to the key patterns of this stage (e.g. runs/*/steps/*, where "*" stands for run ids and part names); the only "*" resource is X-Ray PutTraceSegments/PutTelemetryRecords, which take no resource scope.',
    });
    return stageFunction;
  }

  private grantStageAccess(role: iam.Role, stage: LambdaStage, props: PipelineFunctionsProps): void {
    const access = STAGE_ACCESS[stage];
    const { bucket, settings } = props;
    const objects = (patterns: string[]) => patterns.map((pattern) => bucket.arnForObjects(pattern));
    // ListBucket lets a missing key read as 404 (not 403), which the object store treats as "absent".
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects([...new Set([...access.read, ...access.write, ...access.delete])]) }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: objects(access.write) }));
    if (access.delete.length > 0) role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: objects(access.delete) }));
    if (access.callsModels && settings.bedrockModelArns.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: settings.bedrockModelArns,
      }));
    }
    if (access.callsModels && settings.secretArns.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: settings.secretArns }));
    }
    if (access.putsEvents) {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.eventBusArn] }));
    }
  }
}
