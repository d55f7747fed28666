// The backends under test: reference always; native where the addon is built (required on CI, where its absence is a failure); CUDA where a GPU is.
import { getReferenceBackend, loadNativeBackend, type KernelBackend } from '../../../containers/trainer/src/tensor';

export function backendsUnderTest(): KernelBackend[] {
  const native = loadNativeBackend();
  if (native.backend) return [getReferenceBackend(), native.backend];
  if (process.env.CI === 'true' || process.env.SWIRL_REQUIRE_NATIVE === '1') throw new Error(`native tensor addon required but unavailable: ${native.error}`);
  console.warn(`native tensor addon unavailable (${native.error}); native kernel tests are skipped`);
  return [getReferenceBackend()];
}

export function nativeBackendOrNull(): KernelBackend | null {
  const backends = backendsUnderTest();
  return backends.find((backend) => backend.name === 'native') ?? null;
}

/** The addon's CUDA kernels where it was built with them and a GPU can be used; null elsewhere (the reason is printed). */
export function cudaBackendOrNull(): KernelBackend | null {
  const loaded = loadNativeBackend();
  if (!loaded.cudaBackend) console.warn(`CUDA kernel checks skipped: ${loaded.cudaError}`);
  return loaded.cudaBackend;
}
