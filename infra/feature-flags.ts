// CDK feature flags the stack depends on; cdk.json carries them too, and createApp sets them for tests.
export const SWIRL_FEATURE_FLAGS: Record<string, boolean> = {
  // Without it resultWriterV2 on a Distributed Map is dropped silently.
  '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': true,
  // Access-log delivery through a bucket policy instead of the legacy LogDeliveryWrite ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-batch:defaultToAL2023': true,
};

/** The availability zones of the placeholder account/region, so synth needs no credentials. */
export const PLACEHOLDER_ENVIRONMENT = { account: '123456789012', region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] };
