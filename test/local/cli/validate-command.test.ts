// `swirl validate` and `--help` as a child process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSwirl } from './cli-process';
import { useTemporaryDirectory } from '../../support/temporary-directory';

describe('swirl validate and --help (child process)', () => {
  const directory = useTemporaryDirectory('swirl-cli-');

  it('prints help for every command', async () => {
    const outcomes = await Promise.all([[], ['validate'], ['datasets'], ['datasets', 'import'], ['datasets', 'stats']].map((command) => runSwirl([...command, '--help'])));
    for (const outcome of outcomes) {
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toMatch(/^Usage: swirl/);
    }
    expect(outcomes[0].stdout).toMatch(/validate <config>/);
    expect(outcomes[3].stdout).toMatch(/--endpoint <url>/);
  });

  it('prints the resolved config of a valid file with defaults filled in', async () => {
    const outcome = await runSwirl(['validate', 'examples/hotpotqa.json']);
    expect(outcome.code).toBe(0);
    const config = JSON.parse(outcome.stdout);
    expect(config.runId).toBe('hotpotqa-search');
    expect(config.judge).toEqual({ provider: 'rule', model: 'rule' });
    expect(config.trainer.objective).toBe('swirl');
  });

  it('exits 2 with one line per problem naming path, expectation and value', async () => {
    const file = join(directory.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ runId: '../escape', samplesPerQuestion: -4, filter: 'best', colour: 'red', policy: { provider: 'trainer', model: 'm' } }));
    const outcome = await runSwirl(['validate', file]);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    const lines = outcome.stderr.trim().split('\n').map((line) => line.trim());
    expect(lines).toEqual(expect.arrayContaining([
      '$.runId: expected a run id matching [a-z0-9][a-z0-9-]{0,62}, received "../escape"',
      '$.dataset: expected object, received nothing (missing)',
      '$.samplesPerQuestion: expected > 0, received number -4',
      '$.filter: expected one of "none" | "process" | "outcome" | "process+outcome", received "best"',
      '$: expected only known keys, received unknown key(s) "colour"',
    ]));
  });

  it('exits 2 with a clear message for an unreadable file, invalid JSON or a missing argument', async () => {
    const broken = join(directory.path, 'broken.json');
    writeFileSync(broken, '{"runId": "x",');
    const [missing, invalid, noArgument] = await Promise.all([
      runSwirl(['validate', join(directory.path, 'absent.json')]),
      runSwirl(['validate', broken]),
      runSwirl(['validate']),
    ]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('absent.json: no such file') });
    expect(invalid).toMatchObject({ code: 2, stderr: expect.stringContaining('$: expected JSON, received unparseable text') });
    expect(noArgument).toMatchObject({ code: 2, stderr: expect.stringContaining("missing required argument 'config'") });
  });
});
