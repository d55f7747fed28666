// Stack settings: defaults, validation messages, schedule templates and run id prefixes.
import { resolveStackSettings } from '../../infra/stack-props';
import { scheduledRunInput } from '../../infra/constructs/run-triggers';
import { RUN_ID_PATTERN } from '../../core/schemas';

describe('stack settings', () => {
  it('fills defaults for an empty object', () => {
    const settings = resolveStackSettings({});
    expect(settings.batch.instanceTypes.every((type) => /^g[56]\./.test(type))).toBe(true);
    expect(settings.maxConcurrency).toEqual({ rollout: 16, judge: 16, rolloutJobs: 4, evaluate: 8 });
    expect(settings.bedrockModelArns).toEqual([]);
    expect(settings.schedules).toEqual([]);
  });

  it('names every problem with its path, expectation and received value', () => {
    expect(() => resolveStackSettings({
      maxConcurrency: { rollout: 0 },
      bedrockModelArns: ['*'],
      batch: { instanceTypes: ['huge'] },
      extra: true,
    })).toThrow(expect.objectContaining({
      problems: expect.arrayContaining([
        '$: expected only known keys, received unknown key(s) "extra"',
        '$.maxConcurrency.rollout: expected >= 1, received number 0',
        expect.stringMatching(/^\$\.bedrockModelArns\[0\]: expected a Bedrock model or inference profile ARN, received "\*"/),
        expect.stringMatching(/^\$\.batch\.instanceTypes\[0\]: expected an EC2 instance type/),
      ]),
    }));
  });

  it('refuses schedule templates under configs/, bad prefixes and duplicate names', () => {
    const schedule = { name: 'n', expression: 'rate(7 days)', configKey: 'schedules/a.json', runIdPrefix: 'weekly' };
    expect(() => resolveStackSettings({ schedules: [{ ...schedule, configKey: 'configs/a.json' }] })).toThrow(/outside configs\//);
    expect(() => resolveStackSettings({ schedules: [{ ...schedule, runIdPrefix: 'Weekly_Run' }] })).toThrow(/runIdPrefix: expected a run id prefix/);
    expect(() => resolveStackSettings({ schedules: [{ ...schedule, expression: '0 3 * * *' }] })).toThrow(/expression: expected a Scheduler expression/);
    expect(() => resolveStackSettings({ schedules: [schedule, schedule] })).toThrow(/expected unique names, received "n" twice/);
  });

  it('lets the longest allowed prefix plus a UUID still form a valid run id', () => {
    const prefix = 'a'.repeat(26);
    const settings = resolveStackSettings({ schedules: [{ name: 'n', expression: 'rate(1 day)', configKey: 'schedules/a.json', runIdPrefix: prefix }] });
    const input = scheduledRunInput('bucket', settings.schedules[0]);
    const runId = `${input.runIdPrefix}-${'0f8fad5b-d9cb-469f-a165-70867728950e'}`;
    expect(runId).toHaveLength(63);
    expect(RUN_ID_PATTERN.test(runId)).toBe(true);
  });
});
