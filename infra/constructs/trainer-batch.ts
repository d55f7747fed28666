// The GPU environment: VPC, managed EC2 compute environment, job queue, and one trainer job definition per entry point
// (train, rollout, evaluate), each with its own least-privilege role.
import { Duration, IgnoreMode, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SwirlStackSettings } from '../stack-props';
import { acknowledgeFindings } from '../nag-acknowledgements';
import { BATCH_JOBS, BatchJobName, JOB_ACCESS } from './job-access';
import { PROJECT_ROOT, RUN_BUCKET_OBJECTS } from './pipeline-functions';

/** The trainer's entry, relative to the project root (and to the image's working directory). */
export const TRAINER_ENTRY = 'containers/trainer/src/main.ts';
/** Paths the image build needs; everything else in the project stays out of the build context. */
// models/tiny-policy makes `builtin:tiny-policy` loadable by the jobs on AWS, as it is locally.
const IMAGE_CONTEXT = ['package.json', 'package-lock.json', 'tsconfig.json', 'core', 'containers/trainer', 'models/tiny-policy'];

export interface TrainerBatchProps {
  bucket: s3.IBucket;
  settings: SwirlStackSettings;
}

export class TrainerBatch extends Construct {
  readonly jobQueue: batch.JobQueue;
  /** One per entry point of the trainer image. */
  readonly jobDefinitions: Record<BatchJobName, batch.EcsJobDefinition>;
  readonly vpc: ec2.Vpc;
  /** Per-attempt job timeout; the state machine waits at most attempts × this. */
  readonly attemptTimeout: Duration;

  constructor(scope: Construct, id: string, props: TrainerBatchProps) {
    super(scope, id);
    const { bucket, settings } = props;
    const options = settings.batch;
    // Public subnets and no NAT gateway: instances reach ECR, S3 and Bedrock directly, accept no inbound
    // traffic (the compute environment's security group has no ingress), and idle cost stays at zero.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 20 }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    const computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(this, 'GpuCompute', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      instanceTypes: options.instanceTypes.map((name) => new ec2.InstanceType(name)),
      useOptimalInstanceClasses: false,
      maxvCpus: options.maxVcpus,
      minvCpus: 0,
      spot: options.spot,
      allocationStrategy: options.spot ? batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED : batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA }],
      updateToLatestImageVersion: true,
    });
    if (computeEnvironment.instanceRole) {
      acknowledgeFindings(computeEnvironment.instanceRole, {
        rule: 'IAM4',
        allow: [/AmazonEC2ContainerServiceforEC2Role$/],
        reason: 'AmazonEC2ContainerServiceforEC2Role is the policy AWS Batch documents for ECS container instances; it serves the ECS agent, not the training job.',
      });
    }
    this.jobQueue = new batch.JobQueue(this, 'GpuQueue', { computeEnvironments: [{ computeEnvironment, order: 1 }], priority: 1 });

    const image = new DockerImageAsset(this, 'TrainerImage', {
      directory: PROJECT_ROOT,
      file: 'containers/trainer/Dockerfile',
      platform: Platform.LINUX_AMD64,
      ignoreMode: IgnoreMode.DOCKER,
      exclude: ['*', ...IMAGE_CONTEXT.map((path) => `!${path}`), '**/node_modules', '**/build'],
    });
    const logGroup = new logs.LogGroup(this, 'TrainerLogs', {
      retention: settings.logRetentionDays as logs.RetentionDays,
      removalPolicy: settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.attemptTimeout = Duration.minutes(options.jobTimeoutMinutes);
    const containerImage = ecs.ContainerImage.fromDockerImageAsset(image);
    const definitions = {} as Record<BatchJobName, batch.EcsJobDefinition>;
    for (const job of BATCH_JOBS) definitions[job] = this.createJobDefinition(job, { bucket, settings, containerImage, logGroup });
    this.jobDefinitions = definitions;
  }

  private createJobDefinition(job: BatchJobName, input: { bucket: s3.IBucket; settings: SwirlStackSettings; containerImage: ecs.ContainerImage; logGroup: logs.ILogGroup }): batch.EcsJobDefinition {
    const { bucket, settings } = input;
    const options = settings.batch;
    const access = JOB_ACCESS[job];
    const id = job[0].toUpperCase() + job.slice(1);
    const jobRole = new iam.Role(this, `${id}JobRole`, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), description: access.description });
    this.grantJobAccess(jobRole, job, bucket, settings);
    const definition = new batch.EcsJobDefinition(this, job === 'train' ? 'TrainerJob' : `${id}Job`, {
      timeout: this.attemptTimeout,
      retryAttempts: options.attempts,
      retryStrategies: [
        // "Host EC2*" covers spot reclaims and instance failures; training resumes from its last checkpoint, a rollout
        // shard from its saved questions, and an evaluation pair starts over.
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.SPOT_INSTANCE_RECLAIMED),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.CANNOT_PULL_CONTAINER),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onReason: 'CannotStartContainerError*' })),
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onReason: '*' })),
      ],
      parameters: access.parameters,
      container: new batch.EcsEc2ContainerDefinition(this, `${id}Container`, {
        image: input.containerImage,
        cpu: options.vcpus,
        memory: Size.mebibytes(options.memoryMiB),
        gpu: options.gpus,
        jobRole,
        // The image's entrypoint is `node --import tsx ${TRAINER_ENTRY}`; Batch fills Ref::<name> from the submit parameters.
        command: access.command,
        environment: { SWIRL_BUCKET: bucket.bucketName },
        logging: ecs.LogDriver.awsLogs({ streamPrefix: job === 'train' ? 'trainer' : job, logGroup: input.logGroup }),
      }),
    });
    acknowledgeFindings(jobRole, {
      rule: 'IAM5',
      allow: [RUN_BUCKET_OBJECTS],
      reason: `The ${job} job reads and writes only its key patterns (${access.write.slice(0, 2).join(', ')}, ...); "*" stands for run ids and file names.`,
    });
    acknowledgeFindings(definition.container.executionRole, {
      rule: 'IAM5',
      allow: [/^Resource::\*$/],
      reason: 'ecr:GetAuthorizationToken, granted for pulling the trainer image, has no resource-level scope.',
    });
    return definition;
  }

  private grantJobAccess(role: iam.Role, job: BatchJobName, bucket: s3.IBucket, settings: SwirlStackSettings): void {
    const access = JOB_ACCESS[job];
    const objects = (patterns: string[]) => patterns.map((pattern) => bucket.arnForObjects(pattern));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects([...new Set([...access.read, ...access.write, ...access.delete])]) }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: objects(access.write) }));
    if (access.delete.length > 0) role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: objects(access.delete) }));
    // Training scores sampled actions with the reward model and evaluation judges answers: either may be a Bedrock or secret-keyed endpoint.
    if (access.callsModels && settings.bedrockModelArns.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], resources: settings.bedrockModelArns }));
    }
    if (access.callsModels && settings.secretArns.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: settings.secretArns }));
    }
  }
}
