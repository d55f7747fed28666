// The trainer's rollout and evaluate entry points: options or env variables, and a clear error when one is missing.
import { runTrainerCli } from '../../containers/trainer/src/trainer-cli';

async function runCapturingErrors(argv: string[], environment: Record<string, string> = {}): Promise<{ code: number; errors: string }> {
  const previous = { ...process.env };
  for (const name of ['SWIRL_RUN_ID', 'SWIRL_SHARD', 'SWIRL_EVAL_MODEL', 'SWIRL_EVAL_SET']) delete process.env[name];
  Object.assign(process.env, { SWIRL_BUCKET: 'swirl-cli-test', ...environment });
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => { written.push(String(chunk)); return true; });
  try {
    return { code: await runTrainerCli(argv), errors: written.join('') };
  } finally {
    spy.mockRestore();
    process.env = previous;
  }
}

describe('trainer command line', () => {
  it('asks for the shard a rollout job runs, by option or SWIRL_SHARD', async () => {
    expect(await runCapturingErrors(['rollout', '--run', 'r1'])).toEqual({ code: 1, errors: 'trainer: no shard: expected --shard <name> or env SWIRL_SHARD\n' });
    expect(await runCapturingErrors(['rollout', '--shard', 'shard-00000'])).toEqual({ code: 1, errors: 'trainer: no run id: expected --run <id> or env SWIRL_RUN_ID\n' });
  });

  it('asks for the model and the eval set an evaluation job runs, and checks their names', async () => {
    expect((await runCapturingErrors(['evaluate', '--run', 'r1', '--set', 'hop'])).errors).toBe('trainer: no model: expected --model <name> or env SWIRL_EVAL_MODEL\n');
    expect((await runCapturingErrors(['evaluate', '--run', 'r1'], { SWIRL_EVAL_MODEL: 'swirl' })).errors).toBe('trainer: no set: expected --set <name> or env SWIRL_EVAL_SET\n');
    const invalid = await runCapturingErrors(['evaluate', '--run', 'r1', '--model', '../etc', '--set', 'hop']);
    expect(invalid.code).toBe(1);
    expect(invalid.errors).toContain('$.model');
  });
});
