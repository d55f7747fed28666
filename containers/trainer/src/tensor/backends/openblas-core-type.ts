// Tells OpenBLAS which kernels suit this CPU before it loads: a CPU its own detection does not know otherwise gets its slowest.
import { readFileSync } from 'node:fs';

/** The OPENBLAS_CORETYPE for a CPU with these /proc/cpuinfo flags, or null where OpenBLAS's own choice is as good. */
export function chooseOpenblasCoreType(flags: ReadonlySet<string>): string | null {
  if (['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every((flag) => flags.has(flag))) return 'SkylakeX';
  if (['avx2', 'fma'].every((flag) => flags.has(flag))) return 'Haswell';
  return null;
}

/** The CPU's feature flags (empty where /proc/cpuinfo is not there). */
export function readCpuFlags(): Set<string> {
  try {
    return new Set((readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/));
  } catch {
    return new Set();
  }
}

/**
 * Sets OPENBLAS_CORETYPE from the CPU's features unless the user set it, so a 2-core AVX-512 machine OpenBLAS
 * does not recognise gets the SkylakeX kernels (about 5× faster there) rather than a generic fallback. Must run
 * before the addon, and with it OpenBLAS, is loaded: OpenBLAS reads the variable once, at load.
 */
export function configureOpenblasCoreType(): void {
  if (process.env.OPENBLAS_CORETYPE || process.platform !== 'linux' || process.arch !== 'x64') return;
  const coreType = chooseOpenblasCoreType(readCpuFlags());
  if (coreType) process.env.OPENBLAS_CORETYPE = coreType;
}

/** OpenBLAS core types whose kernels use AVX-512. */
const AVX512_CORE_TYPES = new Set(['skylakex', 'cooperlake', 'sapphirerapids']);

/**
 * Whether OpenBLAS, as configured, would leave an AVX-512 CPU's widest kernels unused (a core type set by hand
 * such as Haswell, or none): then the built-in AVX-512 kernel is the faster GEMM (about twice OpenBLAS's Haswell
 * kernels on a 2-core EPYC).
 */
export function openblasUnderusesAvx512(detectedIsa: string): boolean {
  return detectedIsa === 'avx512' && !AVX512_CORE_TYPES.has((process.env.OPENBLAS_CORETYPE ?? '').toLowerCase());
}

