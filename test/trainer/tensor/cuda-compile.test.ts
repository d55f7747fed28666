// The CUDA kernels compile with nvcc wherever a CUDA toolkit is installed (no GPU needed); elsewhere the check is skipped visibly.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CUDA_DIRECTORY = resolve(__dirname, '../../../containers/trainer/native/cuda');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the install script is CommonJS
const { findNvcc } = require('../../../containers/trainer/native/cuda-library.cjs') as { findNvcc(): string | null };

/** Asks nvcc itself whether a header resolves, which follows wrapper scripts and toolkit layouts alike. */
async function hasHeader(nvcc: string, header: string, scratch: string): Promise<boolean> {
  const probe = join(scratch, 'probe.cu');
  writeFileSync(probe, `#include <${header}>\n`);
  try {
    await run(nvcc, ['-E', probe, '-o', join(scratch, 'probe.ii')]);
    return true;
  } catch {
    return false;
  }
}

// The same search the install script uses, so the test compiles with the nvcc the addon is built with.
const nvcc = findNvcc();

describe('CUDA kernels', () => {
  if (!nvcc) {
    it('are not compiled: nvcc was not found on PATH, CUDA_HOME or /usr/local/cuda', () => {
      console.warn('CUDA compile check skipped: no nvcc on this machine');
      expect(nvcc).toBeNull();
    });
    return;
  }
  const sources = readdirSync(CUDA_DIRECTORY).filter((file) => file.endsWith('.cu')).sort();

  it('lists the kernel sources the addon interface needs', () => {
    expect(sources).toEqual(['attention.cu', 'cross-entropy.cu', 'device-kernels.cu', 'device-layers.cu', 'elementwise.cu', 'gemm.cu', 'normalization.cu']);
  });

  it(`compile with ${nvcc} (gemm.cu only where the toolkit has cuBLAS headers)`, async () => {
    const output = mkdtempSync(join(tmpdir(), 'swirl-cuda-'));
    try {
      const withCublas = await hasHeader(nvcc, 'cublas_v2.h', output);
      if (!withCublas) console.warn('CUDA compile check: cublas_v2.h is not installed with this nvcc, so gemm.cu (cuBLAS) is not compiled here');
      const compiled = sources.filter((file) => withCublas || file !== 'gemm.cu');
      await Promise.all(
        compiled.map((file) =>
          run(nvcc, ['-std=c++17', '-arch=sm_80', '-Werror', 'all-warnings', '-DSWIRL_WITH_CUDA', ...(withCublas ? ['-DSWIRL_WITH_CUBLAS'] : []), '-c', join(CUDA_DIRECTORY, file), '-o', join(output, `${file}.o`)], { cwd: CUDA_DIRECTORY }).catch((error: Error & { stderr?: string }) => {
            throw new Error(`nvcc failed on ${file}:\n${error.stderr ?? error.message}`);
          }),
        ),
      );
      expect(readdirSync(output).filter((file) => file.endsWith('.o')).sort()).toEqual(compiled.map((file) => `${file}.o`));
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }, 120000);
});
