// OpenBLAS's core type comes from the CPU's flags: the AVX-512 kernels where all their instructions exist, else AVX2's, else OpenBLAS decides.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { chooseOpenblasCoreType, readCpuFlags } from '../../../containers/trainer/src/tensor/backends/openblas-core-type';

const ROOT = resolve(__dirname, '../../..');

/** OPENBLAS_CORETYPE as the process sees it after loading the native backend, starting from `inherited`. */
function coreTypeAfterLoading(inherited: string | undefined): string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  if (inherited) env.OPENBLAS_CORETYPE = inherited;
  const script = "require('./containers/trainer/src/tensor').loadNativeBackend(); console.log(process.env.OPENBLAS_CORETYPE ?? 'unset')";
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

const AVX2 = ['sse4_2', 'avx', 'avx2', 'fma'];
const AVX512 = [...AVX2, 'avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'];

describe('chooseOpenblasCoreType', () => {
  it('names SkylakeX for a CPU with the AVX-512 subsets OpenBLAS uses, such as an AVX-512 EPYC it does not recognise', () => {
    expect(chooseOpenblasCoreType(new Set([...AVX512, 'avx512_vp2intersect', 'avx512_bf16']))).toBe('SkylakeX');
  });

  it('falls back to Haswell when one AVX-512 subset is missing, and leaves older CPUs to OpenBLAS', () => {
    expect(chooseOpenblasCoreType(new Set(AVX512.filter((flag) => flag !== 'avx512bw')))).toBe('Haswell');
    expect(chooseOpenblasCoreType(new Set(['sse4_2', 'avx']))).toBeNull();
    expect(chooseOpenblasCoreType(new Set())).toBeNull();
  });

  it('is set before the addon loads only where the user has not set it', () => {
    const expected = process.platform === 'linux' && process.arch === 'x64' ? (chooseOpenblasCoreType(readCpuFlags()) ?? 'unset') : 'unset';
    expect(coreTypeAfterLoading(undefined)).toBe(expected);
    expect(coreTypeAfterLoading('Zen')).toBe('Zen');
  });
});
