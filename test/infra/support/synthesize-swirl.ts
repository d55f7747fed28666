// Synthesizes the Swirl app once for a test file (bundling skipped), with settings that switch on every optional part.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../../infra/app';
import { SwirlStack } from '../../../infra/swirl-stack';
import { SwirlStackSettingsInput } from '../../../infra/stack-props';

export const TEST_MODEL_ARN = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0';
export const TEST_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:swirl/openai-AbCdEf';

export const TEST_SETTINGS: SwirlStackSettingsInput = {
  maxConcurrency: { rollout: 7, judge: 5 },
  toleratedFailurePercentage: 10,
  bedrockModelArns: [TEST_MODEL_ARN],
  secretArns: [TEST_SECRET_ARN],
  schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)', configKey: 'schedules/nightly.json', runIdPrefix: 'nightly' }],
  notificationEmails: ['ops@example.com'],
  batch: { spot: true, attempts: 4 },
};

export interface SynthesizedSwirl {
  app: App;
  stack: SwirlStack;
  template: Template;
}

export function synthesizeSwirl(settings: SwirlStackSettingsInput = TEST_SETTINGS, options: { checks?: boolean } = {}): SynthesizedSwirl {
  const outdir = mkdtempSync(join(tmpdir(), 'swirl-synth-'));
  // Bundling is skipped (as `cdk deploy --exclusively` does for other stacks): the tests look at the template, not the code.
  const { app, stack } = createApp(new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], swirl: settings } }), options);
  app.synth();
  return { app, stack, template: Template.fromStack(stack) };
}
