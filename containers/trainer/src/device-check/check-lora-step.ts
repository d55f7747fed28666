// LoRA training steps on a random bf16 base on the device: tokens/s, MFU, peak device memory and what crosses per step.
import { performance } from 'node:perf_hooks';
import { LoraAdapter, projectionShape } from '../lora/lora-adapter';
import { ALL_PROJECTIONS, type LlamaModel } from '../model/llama-model';
import { backward } from '../tensor/autograd';
import { DeviceBuffer, type DeviceTable, type TransferCounts } from '../tensor/device';
import { crossEntropy } from '../tensor/ops';
import { AdamwOptimizer } from '../train/adamw-optimizer';
import { Rng } from '../tensor/random';
import { buildRandomBase, configOfShape, countLoraStepFlops, countMatmulParameters, type ShapeName } from './model-shapes';
import type { LoraStepResult } from './result-schema';

export interface LoraStepPlan {
  shape: ShapeName;
  batch: number;
  sequenceLength: number;
  warmupSteps: number;
  steps: number;
}

/** A PyTorch + PEFT step on the same shape, timed by the reference script. */
export interface PeftStep {
  secondsPerStep: number;
  tokensPerSecond: number;
  peakDeviceBytes: number | null;
}

export const LORA_SETTINGS = { rank: 16, alpha: 32, dropout: 0, targets: [...ALL_PROJECTIONS] };

/** Next-token targets for random ids: each row's last position has none (−1). */
function drawBatch(rng: Rng, vocab: number, batch: number, length: number): { ids: Int32Array; targets: Int32Array } {
  const ids = Int32Array.from({ length: batch * length }, () => rng.nextInt(vocab));
  const targets = Int32Array.from({ length: ids.length }, (_, index) => ((index + 1) % length === 0 ? -1 : ids[index + 1]));
  return { ids, targets };
}

function difference(after: TransferCounts, before: TransferCounts, steps: number): { uploadBytes: number; downloadBytes: number; indexBytes: number } {
  return {
    uploadBytes: (after.uploadBytes - before.uploadBytes) / steps,
    downloadBytes: (after.downloadBytes - before.downloadBytes) / steps,
    indexBytes: (after.indexBytes - before.indexBytes) / steps,
  };
}

/** Returns the float32 weights, adapter and gradients to the allocator now; what the model holds elsewhere (bf16 bits, moments) goes with its finalizers. */
function releaseModel(model: LlamaModel, device: DeviceTable): void {
  const tensors = [...model.weights.values(), ...[...(model.adapter?.pairs.values() ?? [])].flatMap((pair) => [pair.a, pair.b])];
  for (const tensor of tensors) {
    for (const buffer of [tensor.buffer, tensor.gradBuffer]) if (buffer instanceof DeviceBuffer) device.release(buffer);
  }
  model.weights.clear();
}

/**
 * Builds the base, places it and a rank-16 adapter on all seven projections on the device, then runs warm-up and
 * timed steps (forward, next-token cross-entropy, backward, clipping, AdamW), each inside a device scope. Steps stop
 * early at `deadline` (performance.now() milliseconds), with what was measured so far.
 */
export function checkLoraStep(device: DeviceTable, plan: LoraStepPlan, peakTeraflops: number | null, peft: PeftStep | null, deadline: number): LoraStepResult {
  const config = configOfShape(plan.shape);
  const tokens = plan.batch * plan.sequenceLength;
  const trainableParameters = config.layerCount * ALL_PROJECTIONS.reduce((total, projection) => {
    const { input, output } = projectionShape(config, projection);
    return total + LORA_SETTINGS.rank * (input + output);
  }, 0);
  const flopsPerStep = countLoraStepFlops(config, trainableParameters, plan.batch, plan.sequenceLength);
  const result: LoraStepResult = {
    shape: plan.shape, batch: plan.batch, sequenceLength: plan.sequenceLength, baseParameters: countMatmulParameters(config), trainableParameters,
    setupSeconds: null, steps: 0, secondsPerStep: null, tokensPerSecond: null, flopsPerStep, achievedTeraflops: null, mfu: null,
    peakDeviceBytes: null, transfersPerStep: null, losses: [],
    peft: peft ? { ...peft, mfu: peakTeraflops ? flopsPerStep / peft.secondsPerStep / (peakTeraflops * 1e12) : null } : null,
  };
  const setupStarted = performance.now();
  const model = buildRandomBase(config, 1);
  try {
    const adapter = LoraAdapter.initialize(config, LORA_SETTINGS, new Rng(2));
    model.adapter = adapter;
    model.toDevice(device);
    result.setupSeconds = (performance.now() - setupStarted) / 1000;
    // The trainer's optimizer: its moments live where the parameters live (persistent on the device).
    const optimizer = new AdamwOptimizer(adapter.namedParameters());
    const rng = new Rng(3);
    const times: number[] = [];
    let afterWarmup: TransferCounts | null = null;
    for (let step = 0; step < plan.warmupSteps + plan.steps && performance.now() < deadline; step += 1) {
      if (step === plan.warmupSteps) afterWarmup = device.transfers();
      const { ids, targets } = drawBatch(rng, config.vocabSize, plan.batch, plan.sequenceLength);
      const started = performance.now();
      const loss = device.withScope(() => {
        const logits = model.forward(ids, plan.batch, plan.sequenceLength);
        const mean = crossEntropy(logits, targets);
        backward(mean);
        const value = mean.item();
        optimizer.clipGradientNorm(1);
        optimizer.step(1e-4);
        optimizer.zeroGradients();
        return value;
      });
      device.synchronize();
      if (step >= plan.warmupSteps) times.push((performance.now() - started) / 1000);
      result.losses.push(loss);
    }
    result.steps = times.length;
    result.peakDeviceBytes = device.memory().peakBytes;
    if (times.length === 0) throw new Error(`the time budget ran out before a timed step (${result.losses.length} warm-up steps ran)`);
    const secondsPerStep = [...times].sort((a, b) => a - b)[times.length >> 1];
    result.secondsPerStep = secondsPerStep;
    result.tokensPerSecond = tokens / secondsPerStep;
    result.achievedTeraflops = flopsPerStep / secondsPerStep / 1e12;
    result.mfu = peakTeraflops ? result.achievedTeraflops / peakTeraflops : null;
    if (afterWarmup) result.transfersPerStep = difference(device.transfers(), afterWarmup, times.length);
    return result;
  } catch (error) {
    return { ...result, error: (error as Error).message };
  } finally {
    releaseModel(model, device);
  }
}
