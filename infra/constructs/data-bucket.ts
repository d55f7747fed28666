// The run bucket: private, encrypted, versioned, SSL only, EventBridge notifications on, scratch prefixes expiring.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SwirlStackSettings } from '../stack-props';

/** Prefixes holding scratch data that can be recomputed: cached indexes and Distributed Map result manifests. */
export const SCRATCH_PREFIXES = { cache: 'cache/', mapResults: 'map-results/', temporary: 'tmp/' } as const;

export class DataBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, settings: SwirlStackSettings) {
    super(scope, id);
    const destroy = settings.removalPolicy === 'destroy';
    const removal = { removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN, autoDeleteObjects: false };
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...removal,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server access log destination of the run bucket; logging it into itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Runs', {
      ...removal,
      bucketName: settings.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      eventBridgeEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'runs-bucket/',
      lifecycleRules: [
        { id: 'expire-cache', prefix: SCRATCH_PREFIXES.cache, expiration: Duration.days(14), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'expire-map-results', prefix: SCRATCH_PREFIXES.mapResults, expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'expire-temporary', prefix: SCRATCH_PREFIXES.temporary, expiration: Duration.days(3), noncurrentVersionExpiration: Duration.days(1) },
        // Whole-object rewrites (progress parts, status.json, retried shards) leave old versions behind.
        { id: 'expire-overwritten-versions', noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }
}
