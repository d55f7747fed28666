// The optimizer loop: gradient accumulation, clipping, warmup+cosine AdamW, metrics, checkpoints and exact resume.
import { createHash } from 'node:crypto';
import type { ModelSink, ModelSource } from '../model/model-source';
import { Rng } from '../tensor/random';
import { withDeviceScope, type Device } from '../tensor/device';
import type { Tensor } from '../tensor/tensor';
import { AdamwOptimizer, DEFAULT_ADAMW } from './adamw-optimizer';
import { loadLatestCheckpoint, saveCheckpoint } from './checkpoint';
import { DataOrder } from './data-order';
import { learningRateAt } from './learning-rate-schedule';
import { MetricsWriter, StepMetrics } from './metrics-writer';
import { ProgressBar } from './progress-bar';

export const METRICS_FILE = 'metrics.jsonl';

export interface MicroBatchResult {
  loss: number;
  /** Tokens run through the training forward pass, padding excluded (for tokens/s). */
  tokens: number;
  reward?: number;
  kl?: number;
}

export interface TrainingObjective<T> {
  readonly name: string;
  /** Forward and backward over one micro-batch; gradients accumulate into the parameters, scaled by lossScale. */
  accumulate(records: readonly T[], lossScale: number, rng: Rng): Promise<MicroBatchResult>;
}

export interface LoopSettings {
  maxSteps: number;
  batchSize: number;
  gradientAccumulation: number;
  gradientClip: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  seed: number;
  checkpointEvery: number;
}

export interface TrainLoopOptions<T> {
  records: readonly T[];
  objective: TrainingObjective<T>;
  parameters: Map<string, Tensor>;
  settings: LoopSettings;
  /** Where checkpoints and metrics.jsonl go (and are resumed from); null keeps them in memory only. */
  output: (ModelSink & ModelSource) | null;
  /** Checked after every optimizer step: true (SIGTERM) saves a checkpoint and returns early. */
  shouldStop?: () => boolean;
  onStep?: (metrics: StepMetrics) => void;
  label?: string;
}

export interface TrainLoopResult {
  metrics: StepMetrics[];
  completedSteps: number;
  resumedFromStep: number | null;
  interrupted: boolean;
}

function fingerprintOf(settings: LoopSettings, recordCount: number, objective: string, parameterNames: string[]): string {
  return createHash('sha256').update(JSON.stringify({ settings, recordCount, objective, parameterNames })).digest('hex').slice(0, 16);
}

function exportWeights(parameters: Map<string, Tensor>): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map([...parameters].map(([name, tensor]) => [name, { shape: [...tensor.shape], data: tensor.toHost().slice() }]));
}

export async function runTrainLoop<T>(options: TrainLoopOptions<T>): Promise<TrainLoopResult> {
  const { settings, parameters, objective, output } = options;
  const fingerprint = fingerprintOf(settings, options.records.length, objective.name, [...parameters.keys()].sort());
  const optimizer = new AdamwOptimizer(parameters, { ...DEFAULT_ADAMW, weightDecay: settings.weightDecay });
  const rng = new Rng(settings.seed);
  let order = new DataOrder(options.records.length, settings.seed);
  const metrics = new MetricsWriter(null);
  let step = 0;
  let resumedFromStep: number | null = null;

  const checkpoint = output ? await loadLatestCheckpoint(output) : null;
  if (checkpoint) {
    if (checkpoint.state.fingerprint !== fingerprint) {
      throw new Error(`${output!.description}: the checkpoint at step ${checkpoint.state.step} was written with other settings or data (fingerprint ${checkpoint.state.fingerprint}, now ${fingerprint}); delete checkpoints/ to start over`);
    }
    for (const [name, parameter] of parameters) {
      const saved = checkpoint.weights.get(name);
      if (!saved || saved.data.length !== parameter.size) throw new Error(`checkpoint: weights for ${name} are missing or mis-shaped`);
      parameter.assign(saved.data);
    }
    optimizer.importMoments(checkpoint.moments, checkpoint.state.optimizerStep);
    rng.setState(checkpoint.state.rng);
    order = new DataOrder(options.records.length, settings.seed, checkpoint.state.dataCursor);
    step = checkpoint.state.step;
    resumedFromStep = step;
    const previous = await output!.readFile(METRICS_FILE);
    metrics.restore(previous ? previous.toString('utf8') : null, step);
  }

  const save = async (): Promise<void> => {
    if (!output) return;
    // Metrics first: a kill between the two writes then resumes from the previous checkpoint, which drops and
    // redoes the extra line; the other order lost the checkpoint step's line.
    await output.writeFile(METRICS_FILE, metrics.text());
    await saveCheckpoint(output, {
      state: { step, optimizerStep: optimizer.stepCount, rng: rng.getState(), dataCursor: order.getCursor(), fingerprint },
      weights: exportWeights(parameters),
      moments: optimizer.exportMoments(),
    });
  };

  const device = deviceOfParameters(parameters);
  const progress = new ProgressBar(settings.maxSteps, options.label ?? objective.name);
  let interrupted = false;
  while (step < settings.maxSteps) {
    const startedAt = process.hrtime.bigint();
    optimizer.zeroGradients();
    let loss = 0;
    let tokens = 0;
    let rewardTotal = 0;
    let rewardCount = 0;
    let klTotal = 0;
    let klCount = 0;
    for (let micro = 0; micro < settings.gradientAccumulation; micro += 1) {
      const batch = order.nextBatch(settings.batchSize).map((index) => options.records[index]);
      // A device releases the micro-batch's activations when it ends; gradients and moments are persistent.
      const result = await withDeviceScope(device, () => objective.accumulate(batch, 1 / settings.gradientAccumulation, rng));
      loss += result.loss / settings.gradientAccumulation;
      tokens += result.tokens;
      if (result.reward !== undefined) { rewardTotal += result.reward; rewardCount += 1; }
      if (result.kl !== undefined) { klTotal += result.kl; klCount += 1; }
    }
    const gradientNorm = optimizer.clipGradientNorm(settings.gradientClip);
    const learningRate = learningRateAt(step, { peak: settings.learningRate, warmupSteps: settings.warmupSteps, totalSteps: settings.maxSteps });
    // A step whose micro-batches ran no backward pass (swirl states that all scored alike) changes nothing: AdamW
    // would otherwise move the weights on momentum alone, and only where gradient buffers happen to exist in this
    // process, so a resumed job would diverge from an uninterrupted one.
    if (tokens > 0) optimizer.step(learningRate);
    step += 1;
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const entry: StepMetrics = { step, loss, learningRate, tokensPerSecond: tokens / Math.max(seconds, 1e-9), gradientNorm };
    if (rewardCount > 0) entry.reward = rewardTotal / rewardCount;
    if (klCount > 0) entry.kl = klTotal / klCount;
    if (device !== 'cpu') Object.assign(entry, deviceMetrics(device));
    await metrics.append(entry);
    options.onStep?.(entry);
    progress.update(step, `loss ${loss.toFixed(4)}${entry.reward !== undefined ? ` reward ${entry.reward.toFixed(3)}` : ''}`);
    const stopping = options.shouldStop?.() ?? false;
    if (step % settings.checkpointEvery === 0 || stopping || step === settings.maxSteps) await save();
    // Every step, so progress can be followed live; a resume drops lines past its checkpoint.
    else if (output) await output.writeFile(METRICS_FILE, metrics.text());
    if (stopping && step < settings.maxSteps) {
      interrupted = true;
      break;
    }
  }
  progress.finish();
  return { metrics: metrics.entries(), completedSteps: step, resumedFromStep, interrupted };
}

function deviceOfParameters(parameters: Map<string, Tensor>): Device {
  const first = parameters.values().next();
  return first.done ? 'cpu' : first.value.device;
}

/** The device allocator's current and peak bytes, and the host-device bytes moved so far, for metrics.jsonl. */
function deviceMetrics(device: Exclude<Device, 'cpu'>): Record<string, number> {
  const memory = device.memory();
  const moved = device.transfers();
  return {
    deviceBytes: memory.currentBytes,
    devicePeakBytes: memory.peakBytes,
    deviceReservedBytes: memory.reservedBytes,
    hostToDeviceBytes: moved.uploadBytes + moved.indexBytes,
    deviceToHostBytes: moved.downloadBytes,
  };
}
