// CDK entry point: reads stack settings from context (-c swirl='{"…"}' or -c swirlSettingsFile=path) and checks with cdk-nag.
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PLACEHOLDER_ENVIRONMENT, SWIRL_FEATURE_FLAGS } from './feature-flags';
import { SwirlStack } from './swirl-stack';

/** Settings from context: an inline JSON object under "swirl" or a JSON file named by "swirlSettingsFile". */
export function readSettingsFromContext(app: App): unknown {
  const file = app.node.tryGetContext('swirlSettingsFile') as string | undefined;
  if (file) return JSON.parse(readFileSync(file, 'utf8'));
  const inline = app.node.tryGetContext('swirl') as unknown;
  return typeof inline === 'string' ? JSON.parse(inline) : (inline ?? {});
}

/** The app with the Swirl stack; `checks: false` leaves out cdk-nag (tests that only read the template). */
export function createApp(app = new App(), options: { checks?: boolean } = {}): { app: App; stack: SwirlStack } {
  for (const [flag, value] of Object.entries(SWIRL_FEATURE_FLAGS)) {
    if (app.node.tryGetContext(flag) === undefined) app.node.setContext(flag, value);
  }
  const zonesKey = `availability-zones:account=${PLACEHOLDER_ENVIRONMENT.account}:region=${PLACEHOLDER_ENVIRONMENT.region}`;
  if (app.node.tryGetContext(zonesKey) === undefined) app.node.setContext(zonesKey, PLACEHOLDER_ENVIRONMENT.zones);
  if (options.checks ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new SwirlStack(app, (app.node.tryGetContext('swirlStackName') as string | undefined) ?? 'Swirl', {
    settings: readSettingsFromContext(app) as object,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ENVIRONMENT.account, region: process.env.CDK_DEFAULT_REGION ?? PLACEHOLDER_ENVIRONMENT.region },
    description: 'Swirl: step-wise reinforcement learning for multi-step tool use',
  });
  return { app, stack };
}

if (require.main === module) createApp().app.synth();
