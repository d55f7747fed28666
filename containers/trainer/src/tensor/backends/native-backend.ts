// Loads the N-API addon (OpenBLAS or built-in SIMD GEMMs, threaded C++ loops; CUDA kernels where built with them) and adapts it to the kernel interface.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KernelBackend, GemmArgs, AttentionShape, RopeShape, AdamwArgs } from '../kernels';
import { hostBufferKernels } from './host-buffer-kernels';
import { configureOpenblasCoreType, openblasUnderusesAvx512 } from './openblas-core-type';
import { CudaDevice, type CudaTableAddon, type GemmPrecision } from '../devices/cuda-device';

/* eslint-disable @typescript-eslint/no-explicit-any -- the addon is untyped native code */
type Addon = Record<string, (...args: any[]) => any>;

/** The CPU GEMM the addon runs: OpenBLAS or the built-in kernel, and the instruction set of the latter. */
export interface GemmInfo {
  gemm: 'openblas' | 'builtin';
  isa: 'avx512' | 'avx2' | 'portable';
  /** The best instruction set this CPU supports for the built-in kernel. */
  detectedIsa: 'avx512' | 'avx2' | 'portable';
  /** Whether the addon was linked with OpenBLAS. */
  openblas: boolean;
  threads: number;
}

export interface NativeLoadResult {
  backend: KernelBackend | null;
  /** The addon's CUDA kernel table, where it was built with CUDA and a device can be used. */
  cudaBackend: KernelBackend | null;
  /** Why cudaBackend is null ('' when it is not). */
  cudaError: string;
  /** The GPU's name where cudaBackend is set ('' otherwise). */
  cudaDevice: string;
  error: string;
  path: string;
  /** The GEMM in use (null where the addon did not load). */
  gemm: GemmInfo | null;
}

export const NATIVE_ADDON_DIRECTORY = resolve(__dirname, '../../../native');

export function nativeAddonPath(): string {
  return process.env.SWIRL_TENSOR_ADDON ?? join(NATIVE_ADDON_DIRECTORY, 'build', 'Release', 'swirl_tensor.node');
}

let cached: NativeLoadResult | null = null;
let loadedAddon: Addon | null = null;

export function loadNativeBackend(): NativeLoadResult {
  if (cached) return cached;
  const path = nativeAddonPath();
  configureOpenblasCoreType();
  if (!existsSync(path)) {
    const error = `${path} not built (run npm run build:native)`;
    cached = { backend: null, cudaBackend: null, cudaError: error, cudaDevice: '', error, path, gemm: null };
    return cached;
  }
  // Idle OpenMP workers must sleep rather than spin: OpenBLAS's threads share the same cores between GEMMs.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  let addon: Addon;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- native addons load only through require
    addon = require(path) as Addon;
    if (typeof addon.selectGemm !== 'function') throw new Error('it predates the GEMM choice (rebuild it: npm run build:native)');
    const cudaError = addon.cuda && addon.cudaAvailable() ? '' : String(addon.cudaStatus?.() || 'the addon has no CUDA kernels');
    cached = { backend: adaptAddon(addon, 'native'), cudaBackend: cudaError ? null : adaptAddon(addon.cuda as unknown as Addon, 'cuda'), cudaError, cudaDevice: cudaError ? '' : String(addon.cudaDevice()), error: '', path, gemm: null };
    loadedAddon = addon;
  } catch (error) {
    const message = `${path} failed to load: ${(error as Error).message.split('\n')[0]}`;
    cached = { backend: null, cudaBackend: null, cudaError: message, cudaDevice: '', error: message, path, gemm: null };
    return cached;
  }
  selectAddonGemm = (gemm, isa) => {
    try {
      return addon.selectGemm(gemm, isa) as GemmInfo;
    } catch (error) {
      throw new Error(`SWIRL_GEMM=${gemm} SWIRL_GEMM_ISA=${isa}: ${(error as Error).message}`);
    }
  };
  // A GEMM asked for by name that this addon or CPU cannot give is a configuration error, not a reason to run slower.
  const loaded = cached;
  cached = null;
  const isa = process.env.SWIRL_GEMM_ISA || 'auto';
  loaded.gemm = selectAddonGemm(process.env.SWIRL_GEMM || 'auto', isa);
  // Left to choose, prefer the built-in kernel to an OpenBLAS held below the CPU's AVX-512 (no detection cliff).
  if ((process.env.SWIRL_GEMM || 'auto') === 'auto' && loaded.gemm.gemm === 'openblas' && loaded.gemm.isa === 'avx512' && openblasUnderusesAvx512(loaded.gemm.detectedIsa)) {
    loaded.gemm = selectAddonGemm('builtin', isa);
  }
  cached = loaded;
  return cached;
}

let selectAddonGemm: ((gemm: string, isa: string) => GemmInfo) | null = null;

/** Switches the addon's CPU GEMM ('auto' | 'openblas' | 'builtin', instruction set 'auto' | 'avx512' | 'avx2' | 'portable'); throws where unavailable. */
export function selectNativeGemm(gemm: string, isa = 'auto'): GemmInfo {
  const loaded = loadNativeBackend();
  if (!selectAddonGemm) throw new Error(`native tensor addon unavailable: ${loaded.error}`);
  loaded.gemm = selectAddonGemm(gemm, isa);
  return loaded.gemm;
}

function adaptAddon(addon: Addon, name: 'native' | 'cuda'): KernelBackend {
  return {
    ...hostBufferKernels,
    sumSquaresInto: (x, out) => {
      out[0] += addon.sumSquares(x);
    },
    name,
    gemm: (g: GemmArgs) => addon.gemm(g.transposeA, g.transposeB, g.m, g.n, g.k, g.alpha, g.a, g.aOffset, g.lda, g.b, g.bOffset, g.ldb, g.beta, g.c, g.cOffset, g.ldc, g.batch, g.strideA, g.strideB, g.strideC),
    addBroadcast: (a, b, out) => addon.addBroadcast(a, b, out),
    mulBroadcast: (a, b, out) => addon.mulBroadcast(a, b, out),
    axpy: (alpha, x, y) => addon.axpy(alpha, x, y),
    sumRowsInto: (alpha, x, out) => addon.sumRowsInto(alpha, x, out),
    mulAccumulate: (x, y, out) => addon.mulAccumulate(x, y, out),
    mulSumRowsInto: (x, y, out) => addon.mulSumRowsInto(x, y, out),
    exp: (x, out) => addon.exp(x, out),
    sum: (x) => addon.sum(x),
    sumSquares: (x) => addon.sumSquares(x),
    scaleInPlace: (x, alpha) => addon.scaleInPlace(x, alpha),
    embeddingForward: (weight, ids, dim, out) => addon.embeddingForward(weight, ids, dim, out),
    embeddingBackward: (ids, gradOut, dim, gradWeight) => addon.embeddingBackward(ids, gradOut, dim, gradWeight),
    rmsNormForward: (x, weight, dim, eps, out, inverseRms) => addon.rmsNormForward(x, weight, dim, eps, out, inverseRms),
    rmsNormBackward: (x, weight, inverseRms, gradOut, dim, gradX, gradWeight) => addon.rmsNormBackward(x, weight, inverseRms, gradOut, dim, gradX, gradWeight),
    rope: (x, out, s: RopeShape, direction, accumulate) => addon.rope(x, out, s.batch, s.sequenceLength, s.heads, s.headDim, s.theta, s.positions, direction, accumulate),
    attentionForward: (q, k, v, s: AttentionShape, out, probabilities) => addon.attentionForward(q, k, v, out, probabilities, s.batch, s.queryLength, s.keyLength, s.heads, s.kvHeads, s.headDim, s.queryOffset, s.scale, s.keyMask),
    attentionBackward: (q, k, v, probabilities, gradOut, s: AttentionShape, gradQ, gradK, gradV) =>
      addon.attentionBackward(q, k, v, probabilities, gradOut, gradQ, gradK, gradV, s.batch, s.queryLength, s.keyLength, s.heads, s.kvHeads, s.headDim, s.queryOffset, s.scale, s.keyMask),
    siluForward: (x, out) => addon.siluForward(x, out),
    siluBackward: (x, gradOut, gradX) => addon.siluBackward(x, gradOut, gradX),
    swigluForward: (gate, up, out) => addon.swigluForward(gate, up, out),
    swigluBackward: (gate, up, gradOut, gradGate, gradUp) => addon.swigluBackward(gate, up, gradOut, gradGate, gradUp),
    logSoftmaxGatherForward: (logits, targets, vocab, logProbs, logSumExp) => addon.logSoftmaxGatherForward(logits, targets, vocab, logProbs, logSumExp),
    logSoftmaxGatherBackward: (logits, targets, logSumExp, gradLogProbs, vocab, gradLogits) => addon.logSoftmaxGatherBackward(logits, targets, logSumExp, gradLogProbs, vocab, gradLogits),
    adamw: (param, grad, m, v, a: AdamwArgs) => addon.adamw(param, grad, m, v, a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, a.biasCorrection1, a.biasCorrection2),
  };
}

export interface CudaDeviceLoad {
  /** The process's one CUDA device table (one stream orders all its work), or null. */
  device: CudaDevice | null;
  /** Why device is null ('' when it is not). */
  reason: string;
}

let cudaDeviceLoad: CudaDeviceLoad | null = null;

const GEMM_PRECISIONS: readonly GemmPrecision[] = ['fp32', 'tf32', 'bf16'];

/**
 * The device-resident CUDA table, where the addon was built with CUDA and a GPU can be used; otherwise null and the
 * reason. SWIRL_CUDA_GEMM picks the fp32 GEMMs' precision (fp32, tf32: the default, bf16); SWIRL_CUDA_SYNC=1 waits
 * after every kernel so a failure names the call that caused it.
 */
export function loadCudaDevice(): CudaDeviceLoad {
  if (cudaDeviceLoad) return cudaDeviceLoad;
  const loaded = loadNativeBackend();
  const table = loadedAddon?.cudaTable as unknown as CudaTableAddon | undefined;
  if (!loadedAddon) cudaDeviceLoad = { device: null, reason: `native tensor addon unavailable: ${loaded.error}` };
  else if (!table) cudaDeviceLoad = { device: null, reason: String(loadedAddon.cudaStatus?.() || 'the addon has no CUDA kernels') };
  else if (table.status()) cudaDeviceLoad = { device: null, reason: table.status() };
  else cudaDeviceLoad = { device: new CudaDevice(table, { gemmPrecision: gemmPrecisionOf(process.env.SWIRL_CUDA_GEMM), synchronousErrors: process.env.SWIRL_CUDA_SYNC === '1' }), reason: '' };
  return cudaDeviceLoad;
}

function gemmPrecisionOf(value: string | undefined): GemmPrecision {
  if (!value) return 'tf32';
  if ((GEMM_PRECISIONS as readonly string[]).includes(value)) return value as GemmPrecision;
  throw new Error(`SWIRL_CUDA_GEMM: expected one of ${GEMM_PRECISIONS.join(', ')}, received "${value}"`);
}
