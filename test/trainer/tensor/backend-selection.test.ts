// Backend selection: a missing or broken addon falls back to the reference kernels with one warning line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const SCRIPT = `
const { selectBackend } = require('./containers/trainer/src/tensor');
const choices = process.argv.slice(1);
for (const choice of choices) console.log(choice + '=' + selectBackend(choice).name);
`;

function selectIn(addonPath: string, choices: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT, ...choices], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SWIRL_TENSOR_ADDON: addonPath } });
  if (result.status !== 0) throw new Error(`selection script failed: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

describe('selectBackend', () => {
  it('falls back to reference with a one-line warning when the addon is missing', () => {
    const { stdout, stderr } = selectIn('/nonexistent/swirl_tensor.node', ['reference', 'native']);
    expect(stdout.trim().split('\n')).toEqual(['reference=reference', 'native=reference']);
    const warnings = stderr.trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: native tensor addon unavailable \(\/nonexistent\/swirl_tensor\.node not built .*\); using reference kernels$/);
  });

  it('falls back when the addon file is not a loadable library, and names why', () => {
    const directory = mkdtempSync(join(tmpdir(), 'swirl-addon-'));
    try {
      const broken = join(directory, 'swirl_tensor.node');
      writeFileSync(broken, 'not a shared object');
      const { stdout, stderr } = selectIn(broken, ['cuda']);
      expect(stdout.trim()).toBe('cuda=reference');
      const warnings = stderr.trim().split('\n');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`warning: cuda backend unavailable (${broken} failed to load`);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
