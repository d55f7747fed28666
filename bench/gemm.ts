// GEMM benchmark: the trainer's fp32 products (1M, 10M and Qwen2.5-0.5B shapes, forward and backward) through OpenBLAS and the built-in kernel, same run.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Rng, loadNativeBackend, type GemmArgs, type KernelBackend } from '../containers/trainer/src/tensor';
import { selectNativeGemm } from '../containers/trainer/src/tensor/backends/native-backend';
import { chooseOpenblasCoreType, readCpuFlags } from '../containers/trainer/src/tensor/backends/openblas-core-type';

interface Shape {
  label: string;
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  n: number;
  k: number;
}

interface ModelShape {
  model: string;
  tokens: number;
  hidden: number;
  keyValueWidth: number;
  intermediate: number;
  vocab: number;
}

// Batch 8×128 tokens for the small models (the trainer benchmark's shape); 2×128 for 0.5B, whose vocabulary product alone is 70 GFLOP then.
const MODELS: ModelShape[] = [
  { model: '1M', tokens: 1024, hidden: 128, keyValueWidth: 64, intermediate: 352, vocab: 1024 },
  { model: '10M', tokens: 1024, hidden: 384, keyValueWidth: 128, intermediate: 1024, vocab: 2048 },
  { model: '0.5B', tokens: 256, hidden: 896, keyValueWidth: 128, intermediate: 4864, vocab: 151936 },
];

/** A linear layer y = x·Wᵀ (W stored [out, in]) as the trainer runs it: forward NT, input gradient NN, weight gradient TN. */
function linearShapes(model: string, layer: string, tokens: number, inputs: number, outputs: number): Shape[] {
  return [
    { label: `${model} ${layer} forward`, transposeA: false, transposeB: true, m: tokens, n: outputs, k: inputs },
    { label: `${model} ${layer} grad input`, transposeA: false, transposeB: false, m: tokens, n: inputs, k: outputs },
    { label: `${model} ${layer} grad weight`, transposeA: true, transposeB: false, m: outputs, n: inputs, k: tokens },
  ];
}

function shapesOf(spec: ModelShape): Shape[] {
  const t = spec.tokens;
  return [
    ...linearShapes(spec.model, 'q', t, spec.hidden, spec.hidden),
    ...linearShapes(spec.model, 'kv', t, spec.hidden, spec.keyValueWidth),
    ...linearShapes(spec.model, 'mlp up', t, spec.hidden, spec.intermediate),
    ...linearShapes(spec.model, 'mlp down', t, spec.intermediate, spec.hidden),
    ...linearShapes(spec.model, 'lm head', t, spec.hidden, spec.vocab),
  ];
}

function argsOf(shape: Shape, rng: Rng): GemmArgs {
  const { m, n, k, transposeA, transposeB } = shape;
  const a = Float32Array.from({ length: m * k }, () => rng.nextNormal());
  const b = Float32Array.from({ length: k * n }, () => rng.nextNormal());
  const c = new Float32Array(m * n);
  return { transposeA, transposeB, m, n, k, alpha: 1, beta: 0, a, aOffset: 0, lda: transposeA ? m : k, b, bOffset: 0, ldb: transposeB ? k : n, c, cOffset: 0, ldc: n, batch: 1, strideA: 0, strideB: 0, strideC: 0 };
}

/** Best GFLOP/s over rounds of about 0.1 s each: on a shared machine the slower rounds measure the neighbours. */
function measure(backend: KernelBackend, args: GemmArgs, rounds: number): number {
  const flops = 2 * args.m * args.n * args.k;
  backend.gemm(args);
  const repeats = Math.max(1, Math.round(2e10 / flops / 200));
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < repeats; i++) backend.gemm(args);
    best = Math.max(best, (flops * repeats) / ((performance.now() - started) / 1000) / 1e9);
  }
  return best;
}

function geometricMean(values: number[]): number {
  return Math.exp(values.reduce((total, value) => total + Math.log(value), 0) / values.length);
}

function main(): void {
  // The reference is OpenBLAS at its best for the instruction set measured (SWIRL_GEMM_ISA narrows it to compare AVX2
  // kernels on an AVX-512 CPU), so its core type is chosen here, whatever the environment says.
  const isaWanted = process.env.SWIRL_GEMM_ISA || 'auto';
  const flags = readCpuFlags();
  if (isaWanted === 'avx2' || isaWanted === 'portable') for (const flag of [...flags]) if (flag.startsWith('avx512') || (isaWanted === 'portable' && /^(avx|fma)/.test(flag))) flags.delete(flag);
  const inherited = process.env.OPENBLAS_CORETYPE;
  const coreType = chooseOpenblasCoreType(flags);
  if (coreType) process.env.OPENBLAS_CORETYPE = coreType;
  else delete process.env.OPENBLAS_CORETYPE;
  if (inherited && inherited !== coreType) console.log(`OPENBLAS_CORETYPE=${inherited} in the environment; measuring OpenBLAS with ${coreType ?? 'its own detection'} instead`);
  const native = loadNativeBackend();
  if (!native.backend || !native.gemm) throw new Error(`gemm benchmark needs the native addon: ${native.error}`);
  const backend = native.backend;
  const withOpenblas = native.gemm.openblas;
  const isa = native.gemm.isa;
  console.log(`cpu ${cpus()[0]?.model ?? 'unknown'}, ${native.gemm.threads} threads, built-in ${isa}, OpenBLAS ${withOpenblas ? `linked (OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? 'unset'})` : 'not linked'}`);
  const rng = new Rng(7);
  const results: { shape: string; openblasGflops: number | null; builtinGflops: number; ratio: number | null }[] = [];
  for (const shape of MODELS.flatMap(shapesOf)) {
    const args = argsOf(shape, rng);
    // Alternate the two a few times so both see the same background load.
    let openblas = 0;
    let builtin = 0;
    for (let pass = 0; pass < 2; pass++) {
      if (withOpenblas) {
        selectNativeGemm('openblas', isaWanted);
        openblas = Math.max(openblas, measure(backend, args, 3));
      }
      selectNativeGemm('builtin', isaWanted);
      builtin = Math.max(builtin, measure(backend, args, 3));
    }
    const ratio = withOpenblas ? builtin / openblas : null;
    console.log(`${shape.label.padEnd(26)} ${shape.transposeA ? 'T' : 'N'}${shape.transposeB ? 'T' : 'N'} ${shape.m}×${shape.n}×${shape.k}: OpenBLAS ${withOpenblas ? openblas.toFixed(1) : '-'}, built-in ${builtin.toFixed(1)} GFLOP/s${ratio === null ? '' : `, ratio ${ratio.toFixed(2)}`}`);
    results.push({ shape: `${shape.label} ${shape.m}x${shape.n}x${shape.k}`, openblasGflops: withOpenblas ? Number(openblas.toFixed(1)) : null, builtinGflops: Number(builtin.toFixed(1)), ratio: ratio === null ? null : Number(ratio.toFixed(3)) });
  }
  selectNativeGemm('auto', isaWanted);
  const ratios = results.map((result) => result.ratio).filter((ratio): ratio is number => ratio !== null);
  const geomeanRatio = ratios.length ? Number(geometricMean(ratios).toFixed(3)) : null;
  console.log(JSON.stringify({ bench: 'gemm', cpu: cpus()[0]?.model ?? 'unknown', isa, threads: native.gemm.threads, openblasCoreType: process.env.OPENBLAS_CORETYPE ?? null, results, geomeanRatio, minimumRatio: ratios.length ? Math.min(...ratios) : null }));
}

main();
