// The CUDA kernels compile with nvcc wherever a CUDA toolkit is installed (no GPU needed); elsewhere the check is skipped visibly.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CUDA_DIRECTORY = resolve(__dirname, '../../../containers/trainer/native/cuda');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the install script is CommonJS
const { findNvcc, findCudaHome } = require('../../../containers/trainer/native/cuda-library.cjs') as { findNvcc(): string | null; findCudaHome(nvcc: string): string | null };
const NATIVE_SOURCES = resolve(__dirname, '../../../containers/trainer/native/src');

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
    expect(sources).toEqual([
      'attention.cu',
      'cross-entropy.cu',
      'device-kernels.cu',
      'device-layers.cu',
      'elementwise.cu',
      'family-elementwise.cu',
      'gemm.cu',
      'normalization.cu',
      'resident-gemm.cu',
      'resident-kernels.cu',
      'resident-memory.cu',
      'sample-tokens.cu',
      'windowed-attention.cu',
    ]);
  });

  it(`compile with ${nvcc} (gemm.cu only where the toolkit has cuBLAS headers)`, async () => {
    const output = mkdtempSync(join(tmpdir(), 'swirl-cuda-'));
    try {
      const withCublas = await hasHeader(nvcc, 'cublas_v2.h', output);
      if (!withCublas) console.warn('CUDA compile check: cublas_v2.h is not installed with this nvcc, so gemm.cu and the cuBLAS path of resident-gemm.cu are not compiled here');
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
  }, 600000);

  // A failing CUDA build of the addon falls back to the CPU kernels at install time, so the bindings are compiled here.
  it('the resident table bindings compile against the CUDA runtime headers', async () => {
    const home = findCudaHome(nvcc);
    const nodeHeaders = resolve(process.execPath, '../../include/node');
    if (!home || !existsSync(join(nodeHeaders, 'node_api.h'))) {
      console.warn(`resident binding compile check skipped: ${home ? `no Node headers at ${nodeHeaders}` : 'no CUDA toolkit directory with include/cuda_runtime.h'}`);
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node-addon-api exposes its path through require
    const napi = resolve(require('node-addon-api').include_dir as string);
    const bindings = readdirSync(NATIVE_SOURCES).filter((file) => file.startsWith('resident-') && file.endsWith('.cc'));
    expect(bindings.length).toBeGreaterThanOrEqual(4);
    for (const file of bindings) {
      await run('c++', ['-fsyntax-only', '-std=c++17', '-Wall', '-Werror', '-DSWIRL_WITH_CUDA', '-DNAPI_VERSION=8', '-DNAPI_DISABLE_CPP_EXCEPTIONS', `-I${napi}`, `-I${nodeHeaders}`, `-I${join(home, 'include')}`, join(NATIVE_SOURCES, file)]).catch((error: Error & { stderr?: string }) => {
        throw new Error(`c++ failed on ${file}:\n${error.stderr ?? error.message}`);
      });
    }
  }, 300000);
});
