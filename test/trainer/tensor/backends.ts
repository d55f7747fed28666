// The backends under test: reference always; native where the addon is built (required on CI, where its absence is a failure).
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
