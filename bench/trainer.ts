// Trainer benchmark: sgemm GFLOP/s beside tokens/s and achieved GFLOP/s of full training steps (forward, backward, AdamW), and
// PyTorch's Llama on the same shapes and threads where SWIRL_PEER_PYTHON names a Python with torch and transformers.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseModelConfig, type DecoderConfig } from '../containers/trainer/src/model/model-config';
import { initializeModel } from '../containers/trainer/src/model/initialize-model';
import { Rng, backward, describeBackend, getReferenceBackend, loadNativeBackend, useBackend, type KernelBackend } from '../containers/trainer/src/tensor';
import { adamwStep, clipGradNorm, createAdamwState, crossEntropy, zeroGrad } from '../containers/trainer/src/tensor/ops';

interface ModelSpec {
  label: string;
  config: Record<string, unknown>;
  batch: number;
  length: number;
}

const MODELS: ModelSpec[] = [
  {
    label: '1M',
    config: { model_type: 'llama', vocab_size: 1024, hidden_size: 128, intermediate_size: 352, num_hidden_layers: 5, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 512, tie_word_embeddings: true },
    batch: 8,
    length: 128,
  },
  {
    label: '10M',
    config: { model_type: 'llama', vocab_size: 2048, hidden_size: 384, intermediate_size: 1024, num_hidden_layers: 6, num_attention_heads: 6, num_key_value_heads: 2, max_position_embeddings: 512, tie_word_embeddings: true },
    batch: 8,
    length: 128,
  },
];

const args = process.argv.slice(2);
const profile = args.includes('--profile');
const includeSlowReference = args.includes('--all');
const skipReference = args.includes('--native-only');
const skipPeer = args.includes('--no-peer');
// --model 1M (repeatable) measures only the named models.
const onlyModels = args.flatMap((arg, i) => (args[i - 1] === '--model' ? [arg] : []));
const MEASURED = onlyModels.length ? MODELS.filter((spec) => onlyModels.includes(spec.label)) : MODELS;

function measureSgemm(backend: KernelBackend): number {
  let best = 0;
  for (const size of [512, 1024, 2048]) {
    const rng = new Rng(size);
    const a = Float32Array.from({ length: size * size }, () => rng.nextNormal());
    const b = Float32Array.from({ length: size * size }, () => rng.nextNormal());
    const c = new Float32Array(size * size);
    const call = () => backend.gemm({ transposeA: false, transposeB: false, m: size, n: size, k: size, alpha: 1, beta: 0, a, aOffset: 0, lda: size, b, bOffset: 0, ldb: size, c, cOffset: 0, ldc: size, batch: 1, strideA: 0, strideB: 0, strideC: 0 });
    call();
    const repeats = Math.max(2, Math.round(1e9 / (2 * size ** 3)));
    let gflops = 0;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      for (let i = 0; i < repeats; i++) call();
      gflops = Math.max(gflops, (2 * size ** 3 * repeats) / ((performance.now() - started) / 1000) / 1e9);
    }
    console.log(`sgemm ${size}³: ${gflops.toFixed(1)} GFLOP/s (best of 3 rounds)`);
    best = Math.max(best, gflops);
  }
  return best;
}

/** Model FLOPs of one training step: 6 per matmul weight per token, plus 12·layers·width·length per token for attention scores and mixing (PaLM's accounting, causal half not discounted). */
function stepFlops(config: DecoderConfig, batch: number, length: number): number {
  const attentionWidth = config.headCount * config.headDimension;
  const keyValueWidth = config.keyValueHeadCount * config.headDimension;
  const perLayer = config.hiddenSize * (2 * attentionWidth + 2 * keyValueWidth) + 3 * config.hiddenSize * config.intermediateSize;
  const matmulWeights = config.layerCount * perLayer + config.vocabSize * config.hiddenSize;
  const tokens = batch * length;
  return tokens * (6 * matmulWeights + 12 * config.layerCount * attentionWidth * length);
}

/** Wraps every kernel with a timer so --profile can show where a step's time goes. */
function withTimers(backend: KernelBackend, totals: Map<string, number>): KernelBackend {
  const wrapped: Record<string, unknown> = { name: backend.name };
  for (const [key, value] of Object.entries(backend)) {
    if (typeof value !== 'function') continue;
    wrapped[key] = (...callArgs: unknown[]) => {
      const started = performance.now();
      const result = (value as (...inner: unknown[]) => unknown)(...callArgs);
      totals.set(key, (totals.get(key) ?? 0) + performance.now() - started);
      return result;
    };
  }
  return wrapped as unknown as KernelBackend;
}

function benchmarkTraining(spec: ModelSpec, backend: KernelBackend, minimumSeconds: number, minimumSteps: number, maximumSteps: number, batch: number): { tokensPerSec: number; gflops: number; stepSeconds: number; parameters: number } {
  const config = parseModelConfig(spec.config, `${spec.label} config`);
  const model = initializeModel(config, 1);
  model.setBaseTrainable(true);
  const params = [...model.weights.values()];
  const state = createAdamwState(params);
  const rng = new Rng(2);
  const tokens = batch * spec.length;
  const ids = Int32Array.from({ length: tokens }, () => rng.nextInt(config.vocabSize));
  const targets = Int32Array.from({ length: tokens }, (_, i) => ((i + 1) % spec.length === 0 ? -1 : ids[i + 1]));
  const totals = new Map<string, number>();
  useBackend(profile ? withTimers(backend, totals) : backend);
  const step = (): number => {
    const logits = model.forward(ids, batch, spec.length);
    const loss = crossEntropy(logits, targets);
    backward(loss);
    clipGradNorm(params, 1);
    adamwStep(params, state, { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
    zeroGrad(params);
    return loss.item();
  };
  step();
  totals.clear();
  let lastLoss = 0;
  const durations: number[] = [];
  const started = performance.now();
  while (durations.length < maximumSteps && (durations.length < minimumSteps || performance.now() - started < minimumSeconds * 1000)) {
    const stepStarted = performance.now();
    lastLoss = step();
    durations.push((performance.now() - stepStarted) / 1000);
  }
  const steps = durations.length;
  // The fastest step: on a shared machine the others mostly measure the neighbours' load, not the kernels.
  const stepSeconds = Math.min(...durations);
  const meanSeconds = durations.reduce((a, b) => a + b, 0) / steps;
  const gflops = stepFlops(config, batch, spec.length) / stepSeconds / 1e9;
  console.log(`${spec.label} (${(model.parameterCount() / 1e6).toFixed(2)}M params) ${backend.name}: batch ${batch}×${spec.length}, ${steps} steps, best ${(stepSeconds * 1000).toFixed(0)} ms/step (mean ${(meanSeconds * 1000).toFixed(0)}), ${(tokens / stepSeconds).toFixed(0)} tokens/s, ${gflops.toFixed(1)} GFLOP/s, loss ${lastLoss.toFixed(3)}`);
  if (profile) {
    const kernelTotal = [...totals.values()].reduce((a, b) => a + b, 0);
    const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([key, ms]) => `${key} ${(ms / steps).toFixed(1)}ms`);
    console.log(`  mean per step: kernels ${(kernelTotal / steps).toFixed(1)} ms of ${(meanSeconds * 1000).toFixed(1)} ms: ${rows.join(', ')}`);
  }
  return { tokensPerSec: tokens / stepSeconds, gflops, stepSeconds, parameters: model.parameterCount() };
}

// Dense bf16 tensor-core peaks (TFLOP/s) of GPUs the trainer's image targets; SWIRL_GPU_PEAK_TFLOPS overrides or adds.
const GPU_PEAK_TFLOPS: [RegExp, number][] = [[/H200|H100.*(SXM|HBM3)/, 989], [/H100/, 756], [/A100/, 312]];

function peakTflopsOf(device: string): number | null {
  const override = Number(process.env.SWIRL_GPU_PEAK_TFLOPS);
  if (override > 0) return override;
  return GPU_PEAK_TFLOPS.find(([pattern]) => pattern.test(device))?.[1] ?? null;
}

interface BenchResult {
  model: string;
  backend: string;
  parameters: number;
  tokensPerSec: number;
  gflops: number;
  fractionOfSgemm: number;
  /** GPU runs: achieved model FLOP/s over the device's dense bf16 peak (null when the peak is unknown). */
  mfu?: number | null;
  /** CPU runs: tokens/s over PyTorch's on the same model, shapes and threads (where the peer ran). */
  ratioToPeer?: number;
}

interface PeerResult {
  torch: string;
  threads: number;
  results: { model: string; tokensPerSec: number }[];
}

/** PyTorch's Llama training step on one model's shapes and threads, or null (with the reason printed) where no peer Python is set. */
function measurePeer(spec: ModelSpec, threads: number): PeerResult | null {
  const python = process.env.SWIRL_PEER_PYTHON;
  if (!python) {
    if (spec === MEASURED[0]) console.log('peer not measured: set SWIRL_PEER_PYTHON to a Python with torch and transformers');
    return null;
  }
  const request = { threads, seconds: 6, steps: 20, models: [{ label: spec.label, config: spec.config, batch: spec.batch, length: spec.length }] };
  const result = spawnSync(python, [join(__dirname, 'support', 'llama-peer.py'), JSON.stringify(request)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  const last = result.stdout?.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !last.startsWith('{')) {
    console.log(`peer failed (${python}, exit ${result.status}): ${result.error?.message ?? last}`);
    return null;
  }
  return JSON.parse(last) as PeerResult;
}

function main(): void {
  const native = loadNativeBackend();
  if (!native.backend) console.log(`native backend unavailable: ${native.error}`);
  if (!native.cudaBackend) console.log(`cuda backend not measured: ${native.cudaError}`);
  const peakTflops = native.cudaBackend ? peakTflopsOf(native.cudaDevice) : null;
  if (native.cudaBackend) console.log(`cuda device: ${native.cudaDevice}, dense bf16 peak ${peakTflops ?? 'unknown (set SWIRL_GPU_PEAK_TFLOPS)'} TFLOP/s`);
  if (native.backend) console.log(`backend: ${describeBackend(native.backend)}`);
  const sgemmBackend = native.backend ?? getReferenceBackend();
  const sgemmBefore = measureSgemm(sgemmBackend);
  const results: BenchResult[] = [];
  const threads = native.gemm?.threads ?? 1;
  const peerRuns: PeerResult[] = [];
  for (const spec of MEASURED) {
    const runs: { backend: KernelBackend; seconds: number; minimumSteps: number; steps: number; batch: number }[] = [];
    if (native.backend) runs.push({ backend: native.backend, seconds: 6, minimumSteps: 3, steps: 20, batch: spec.batch });
    if (native.cudaBackend) runs.push({ backend: native.cudaBackend, seconds: 6, minimumSteps: 3, steps: 20, batch: spec.batch });
    // The reference kernels are ~100× slower: one step on a smaller batch, and only on the small model unless --all.
    if (!skipReference && (spec.label === '1M' || includeSlowReference)) runs.push({ backend: getReferenceBackend(), seconds: 0, minimumSteps: 1, steps: 1, batch: 2 });
    for (const run of runs) {
      const result = benchmarkTraining(spec, run.backend, run.seconds, run.minimumSteps, run.steps, run.batch);
      const entry: BenchResult = { model: spec.label, backend: run.backend.name, parameters: result.parameters, tokensPerSec: Math.round(result.tokensPerSec), gflops: Number(result.gflops.toFixed(2)), fractionOfSgemm: 0 };
      if (run.backend.name === 'cuda') entry.mfu = peakTflops ? Number((result.gflops / (peakTflops * 1000)).toFixed(5)) : null;
      results.push(entry);
    }
    // Right after Swirl's runs on the same model, so both meet about the same background load.
    const peerRun = skipPeer ? null : measurePeer(spec, threads);
    if (peerRun) peerRuns.push(peerRun);
  }
  // Measured again after the training runs: on a shared machine the higher of the two is the fairer reference.
  const sgemmGflops = Math.max(sgemmBefore, measureSgemm(sgemmBackend));
  for (const result of results) result.fractionOfSgemm = Number((result.gflops / sgemmGflops).toFixed(3));
  const peer: PeerResult | null = peerRuns.length ? { ...peerRuns[0], results: peerRuns.flatMap((run) => run.results) } : null;
  for (const result of results) {
    const peerResult = peer?.results.find((entry) => entry.model === result.model);
    if (peerResult && result.backend === 'native') result.ratioToPeer = Number((result.tokensPerSec / peerResult.tokensPerSec).toFixed(3));
  }
  console.log(JSON.stringify({ bench: 'trainer', sgemmGflops: Number(sgemmGflops.toFixed(1)), gemm: native.gemm, results, ...(peer ? { peer } : {}) }));
}

main();
