// Checkpoint benchmark: each model family against its transformers/PEFT fixture, peak memory loading a
// Qwen2.5-0.5B-shaped bf16 checkpoint (against the float32 loader, in the same run), and a LoRA step's tokens/s on it.
import { spawnSync } from 'node:child_process';
import { readFileSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LoraAdapter } from '../containers/trainer/src/lora';
import { Bfloat16Tensor, createLocalSource, loadDecoderFromSource, type LlamaModel } from '../containers/trainer/src/model';
import { loadWeights } from '../containers/trainer/src/safetensors';
import { backward, Rng } from '../containers/trainer/src/tensor';
import { crossEntropy } from '../containers/trainer/src/tensor/ops';
import { compareFamily } from '../test/trainer/model/family-fixtures';
import { QWEN25_HALF_BILLION_CONFIG, writeRandomCheckpoint } from './support/write-random-checkpoint';

const FAMILIES = ['llama3', 'qwen2.5', 'smollm2', 'mistral', 'gemma2'];
const MODEL_NAME = 'qwen2.5-0.5b-shape';
const LORA_TOKENS = 64;

/** VmRSS and VmHWM (peak) of this process, in bytes. */
function readMemory(): { rss: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Child: loads the checkpoint one way and reports its baseline and peak resident memory. */
async function measureLoad(directory: string, loader: string): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = readMemory().rss;
  const source = createLocalSource(directory);
  const kept = loader === 'bf16' ? await loadDecoderFromSource(source) : await loadWeights(source);
  const { peak } = readMemory();
  console.log(JSON.stringify({ baseline, peak, held: kept instanceof Map ? kept.size : kept.weights.size }));
}

function timeLoraStep(model: LlamaModel, seed: number): number {
  model.adapter = LoraAdapter.initialize(model.config, { rank: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] }, new Rng(seed));
  const rng = new Rng(seed + 1);
  const ids = Int32Array.from({ length: LORA_TOKENS }, () => Math.floor(rng.nextFloat() * 32000));
  const targets = Int32Array.from({ length: LORA_TOKENS }, (_, index) => (index + 1 < LORA_TOKENS ? ids[index + 1] : -1));
  let seconds = Infinity;
  // The first step warms caches and the allocator; the second is the one reported.
  for (let step = 0; step < 2; step += 1) {
    const started = performance.now();
    backward(crossEntropy(model.forward(ids, 1, LORA_TOKENS), targets));
    seconds = (performance.now() - started) / 1000;
  }
  return LORA_TOKENS / seconds;
}

/** Child: a LoRA step (forward, backward) over the bf16 base, then over the same base expanded to float32. */
async function measureLora(directory: string): Promise<void> {
  const model = await loadDecoderFromSource(createLocalSource(directory));
  const bfloat16 = timeLoraStep(model, 11);
  for (const [name, tensor] of model.weights) if (tensor instanceof Bfloat16Tensor) model.weights.set(name, tensor.toFloat32());
  const float32 = timeLoraStep(model, 11);
  console.log(JSON.stringify({ bfloat16, float32 }));
}

function runChild(...args: string[]): Record<string, number> {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`checkpoints ${args.join(' ')} failed:\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, number>;
}

async function main(): Promise<void> {
  const families = [];
  for (const name of FAMILIES) {
    const result = await compareFamily(name);
    console.log(`${name} (${result.modelType}): max |logit error| ${result.maxAbsLogitError.toExponential(2)}, LoRA gradient rel error ${result.loraGradMaxRelError.toExponential(2)}, PEFT round trip ${result.peftRoundTrip}`);
    families.push({ name, modelType: result.modelType, loaded: result.loaded, maxAbsLogitError: result.maxAbsLogitError, loraGradMaxRelError: result.loraGradMaxRelError, peftRoundTrip: result.peftRoundTrip });
  }
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'swirl-checkpoint-'));
  try {
    const started = performance.now();
    const weightBytes = await writeRandomCheckpoint(directory, QWEN25_HALF_BILLION_CONFIG, 2, 5);
    console.log(`wrote a ${MODEL_NAME} checkpoint: ${(weightBytes / 2 ** 20).toFixed(0)} MiB bf16 in 2 shards (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const bf16 = runChild('--load', directory, 'bf16');
    const float32 = runChild('--load', directory, 'float32');
    const ratio = (bf16.peak - bf16.baseline) / weightBytes;
    const referenceRatio = (float32.peak - float32.baseline) / weightBytes;
    console.log(`peak resident memory above baseline while loading: bf16 base ${(ratio).toFixed(2)}x the weight bytes; float32 loader (reference) ${referenceRatio.toFixed(2)}x`);
    const lora = runChild('--lora', directory);
    console.log(`LoRA step (rank 8, all projections, ${LORA_TOKENS} tokens): ${lora.bfloat16.toFixed(1)} tokens/s over the bf16 base, ${lora.float32.toFixed(1)} tokens/s over a float32 copy (reference)`);
    console.log(JSON.stringify({
      families,
      memory: { model: MODEL_NAME, weightBytes, peakRssDeltaBytes: bf16.peak - bf16.baseline, ratio, reference: { loader: 'float32', peakRssDeltaBytes: float32.peak - float32.baseline, ratio: referenceRatio } },
      lora: { model: MODEL_NAME, tokensPerSec: lora.bfloat16, reference: { base: 'float32', tokensPerSec: lora.float32 } },
    }));
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
}

const [mode, directory, loader] = process.argv.slice(2);
const run = mode === '--load' ? measureLoad(directory, loader) : mode === '--lora' ? measureLora(directory) : main();
run.catch((error: unknown) => {
  console.error((error as Error).stack ?? String(error));
  process.exit(1);
});
