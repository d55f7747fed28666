// Backend selection: a missing or broken addon falls back to the reference kernels with one warning line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
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

describe('the addon built here', () => {
  const addonPath = resolve(ROOT, 'containers/trainer/native/build/Release/swirl_tensor.node');
  const builtWithCuda = existsSync(resolve(ROOT, 'containers/trainer/native/build-cuda/manifest.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- native addons load only through require
  const addon = existsSync(addonPath) ? (require(addonPath) as Record<string, unknown> & { cudaAvailable(): boolean; cudaStatus(): string }) : null;

  it('carries a CUDA kernel table exactly where nvcc and the CUDA runtime were found at install time', () => {
    if (!addon) return console.warn('native addon not built; nothing to inspect');
    if (!builtWithCuda) {
      expect(addon.cuda).toBeUndefined();
      expect(addon.cudaAvailable()).toBe(false);
      expect(addon.cudaStatus()).toContain('built without CUDA');
      return;
    }
    const cuda = addon.cuda as Record<string, (...args: unknown[]) => unknown>;
    const hostKernels = Object.keys(addon).filter((name) => !name.startsWith('cuda')).sort();
    expect(Object.keys(cuda).sort()).toEqual(hostKernels);
    // Arguments are checked before any device work, so bad calls fail the same way with or without a GPU.
    expect(() => cuda.axpy(1, new Float32Array(4), new Float32Array(3))).toThrow('axpy: y shorter than x');
    if (addon.cudaAvailable()) return;
    expect(addon.cudaStatus()).not.toBe('');
    expect(() => cuda.axpy(1, new Float32Array(3), new Float32Array(3))).toThrow(`CUDA backend unavailable: ${addon.cudaStatus()}`);
    const { stdout, stderr } = selectIn(addonPath, ['cuda', 'auto']);
    expect(stdout.trim().split('\n')).toEqual(['cuda=native', 'auto=native']);
    expect(stderr.trim()).toBe(`warning: cuda backend unavailable (${addon.cudaStatus()}); using native CPU kernels`);
  });
});
