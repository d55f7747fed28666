// Chooses the kernel backend (native addon, CUDA build of it, or the TypeScript reference) that all ops dispatch to.
import type { KernelBackend } from './kernels';
import { createReferenceBackend } from './backends/reference-backend';
import { loadNativeBackend } from './backends/native-backend';

export type { KernelBackend } from './kernels';
export type BackendChoice = 'auto' | 'native' | 'reference' | 'cuda';

let current: KernelBackend | null = null;
let reference: KernelBackend | null = null;

export function getReferenceBackend(): KernelBackend {
  reference ??= createReferenceBackend();
  return reference;
}

const warned = new Set<string>();

/** Each distinct fallback is reported once per process, however often a backend is selected. */
function warn(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`warning: ${message}\n`);
}

/**
 * Resolves a backend choice for host tensors. `native` and `cuda` fall back (with a one-line warning) when the addon
 * or the GPU build is missing, so a machine without a compiler still trains, slowly, on the reference kernels.
 * `cuda` here is the staged table (host buffers copied per call), kept for comparing kernels; a GPU job keeps its
 * tensors on the device table instead (selectJobDevice), so `auto` never stages host tensors through the GPU.
 */
export function resolveBackend(choice: BackendChoice, options: { quiet?: boolean } = {}): KernelBackend {
  if (choice === 'reference') return getReferenceBackend();
  const loaded = loadNativeBackend();
  if (choice === 'cuda' && loaded.cudaBackend) return loaded.cudaBackend;
  const chosen = loaded.backend ?? getReferenceBackend();
  if (!options.quiet) {
    const fallback = loaded.backend ? 'native CPU' : 'reference';
    if (choice === 'cuda') warn(`cuda backend unavailable (${loaded.cudaError}); using ${fallback} kernels`);
    else if (!loaded.backend) warn(`native tensor addon unavailable (${loaded.error}); using reference kernels`);
  }
  return chosen;
}

/**
 * One line naming a backend and, for the addon, the CPU GEMM, instruction set and threads in use
 * ("native (GEMM built-in, ISA avx512, OpenBLAS linked, 2 threads)"), for run logs and banners.
 */
export function describeBackend(backend: KernelBackend): string {
  const loaded = backend.name === 'reference' ? null : loadNativeBackend();
  const gemm = loaded?.gemm;
  if (!loaded || !gemm) return backend.name;
  const which = gemm.gemm === 'openblas' ? `OpenBLAS${process.env.OPENBLAS_CORETYPE ? ` ${process.env.OPENBLAS_CORETYPE}` : ''}` : 'built-in';
  const device = backend.name === 'cuda' ? `${loaded.cudaDevice}; CPU ` : '';
  return `${backend.name} (${device}GEMM ${which}, ISA ${gemm.isa}${gemm.openblas && gemm.gemm === 'builtin' ? ', OpenBLAS linked' : ''}, ${gemm.threads} threads)`;
}

/** Sets the process-wide backend used by every op and returns it. */
export function selectBackend(choice: BackendChoice = 'auto', options: { quiet?: boolean } = {}): KernelBackend {
  current = resolveBackend(choice, options);
  return current;
}

/** Installs a specific backend instance (tests compare backends this way). */
export function useBackend(backend: KernelBackend): void {
  current = backend;
}

export function getBackend(): KernelBackend {
  current ??= resolveBackend(parseBackendEnvironment(), { quiet: false });
  return current;
}

function parseBackendEnvironment(): BackendChoice {
  const value = process.env.SWIRL_TENSOR_BACKEND;
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'native' || value === 'reference' || value === 'cuda') return value;
  throw new Error(`SWIRL_TENSOR_BACKEND: expected auto, native, reference or cuda, received ${JSON.stringify(value)}`);
}

/** Runs fn with `backend` installed, restoring the previous one afterwards. */
export function withBackend<T>(backend: KernelBackend, compute: () => T): T {
  const previous = current;
  current = backend;
  try {
    return compute();
  } finally {
    current = previous;
  }
}
