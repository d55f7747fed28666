// Runs the check's parts in order, each guarded (an error is recorded and the next part runs) and all inside one time budget.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { describeBackend, getBackend } from '../tensor/backend';
import type { DeviceTable } from '../tensor/device';
import { checkKernels } from './check-kernels';
import { compareLogits } from './check-logits';
import { checkLoraStep, type PeftStep } from './check-lora-step';
import { checkOps } from './check-ops';
import type { CheckOptions } from './check-options';
import { detectNvidiaGpu } from './detect-gpu';
import { FULL_SIZES, TINY_SIZES } from './kernel-cases';
import { FULL_OP_SIZES, TINY_OP_SIZES } from './op-cases';
import { openDevice } from './open-device';
import { findPeakTeraflops } from './peak-flops';
import type { DeviceCheckResult, PartStatus } from './result-schema';

/** Scaled error allowed against the reference: the CUDA GEMMs round operands to bf16; the emulated table runs the CPU kernels. */
const TOLERANCE = { cuda: 3e-2, emulated: 2e-4 } as const;
/** Logits through a whole model: float32 on the emulated table; on a GPU, twice transformers' own bf16 error (or 5% of the largest logit). */
const LOGITS_TOLERANCE = { emulated: 1e-3, cudaRelative: 5e-2 } as const;

const peftStepsSchema = z.strictObject({
  steps: z.array(z.union([
    z.looseObject({ shape: z.string(), secondsPerStep: z.number(), tokensPerSecond: z.number(), peakDeviceBytes: z.number().nullable() }),
    z.strictObject({ shape: z.string(), error: z.string() }),
  ])),
});

function readPeftSteps(file: string | null): Map<string, PeftStep> {
  const steps = new Map<string, PeftStep>();
  if (!file) return steps;
  for (const step of peftStepsSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).steps) {
    if ('secondsPerStep' in step) steps.set(step.shape, { secondsPerStep: step.secondsPerStep, tokensPerSecond: step.tokensPerSecond, peakDeviceBytes: step.peakDeviceBytes });
  }
  return steps;
}

/** The card torch named when it wrote the reference: the fallback where nvidia-smi does not answer this process. */
function readReferenceCard(directory: string | null): string | null {
  if (!directory) return null;
  try {
    const device = (JSON.parse(readFileSync(path.join(directory, 'reference.json'), 'utf8')) as { device?: unknown }).device;
    return typeof device === 'string' && device !== 'cpu' ? device : null;
  } catch {
    return null;
  }
}

/** Collects garbage where Node exposes it (--expose-gc) and lets the finalizers return forgotten device buffers (optimizer moments). */
async function releaseForgottenBuffers(): Promise<void> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) return;
  collect();
  await new Promise((resolve) => setImmediate(resolve));
}

const statusOf = (results: readonly { passed?: boolean; error?: string }[]): PartStatus => (results.every((result) => result.passed ?? !result.error) ? 'passed' : 'failed');

/** Runs `part` unless the budget is spent; a throw becomes the part's error. */
async function guard<T extends { status: PartStatus; seconds: number; error?: string }>(deadline: number, empty: T, part: () => Promise<Omit<T, 'seconds'>> | Omit<T, 'seconds'>): Promise<T> {
  if (performance.now() >= deadline) return { ...empty, status: 'skipped', error: 'the time budget was spent before this part' };
  const started = performance.now();
  try {
    return { ...(await part()), seconds: (performance.now() - started) / 1000 } as T;
  } catch (error) {
    return { ...empty, status: 'error', seconds: (performance.now() - started) / 1000, error: (error as Error).message };
  }
}

export async function runDeviceCheck(options: CheckOptions): Promise<DeviceCheckResult> {
  const started = performance.now();
  const deadline = started + options.budgetSeconds * 1000;
  const startedAt = new Date().toISOString();
  const opened = openDevice(options.device);
  const card = options.device === 'cuda' ? detectNvidiaGpu().card ?? readReferenceCard(options.reference) : null;
  const peak = findPeakTeraflops(card);
  const tolerance = TOLERANCE[options.device];
  const noDevice = async (): Promise<never> => {
    throw new Error(`the ${options.device} device table did not open: ${opened.reason}`);
  };
  const device: DeviceTable | null = opened.device;
  const kernels = await guard(deadline, { status: 'error' as PartStatus, seconds: 0, results: [] as DeviceCheckResult['parts']['kernels']['results'] }, async () => {
    if (!device) return noDevice();
    const results = checkKernels(device, options.tiny ? TINY_SIZES : FULL_SIZES, tolerance);
    return { status: statusOf(results), results };
  });
  const ops = await guard(deadline, { status: 'error' as PartStatus, seconds: 0, results: [] as DeviceCheckResult['parts']['ops']['results'] }, async () => {
    if (!device) return noDevice();
    const results = checkOps(device, options.tiny ? TINY_OP_SIZES : FULL_OP_SIZES, tolerance);
    return { status: statusOf(results), results };
  });
  const loraSteps = await guard(deadline, { status: 'error' as PartStatus, seconds: 0, results: [] as DeviceCheckResult['parts']['loraSteps']['results'] }, async () => {
    if (!device) return noDevice();
    const peft = readPeftSteps(options.peft);
    const results = [];
    for (const shape of options.shapes) {
      if (performance.now() >= deadline) break;
      let plan = { shape, batch: options.batch, sequenceLength: options.sequenceLength, warmupSteps: options.warmupSteps, steps: options.steps };
      let result = checkLoraStep(device, plan, peak?.teraflops ?? null, peft.get(shape) ?? null, deadline);
      await releaseForgottenBuffers();
      // A card too small for the batch still gives a measurement at half of it (the result names the batch it ran).
      while (result.error && /out of memory/i.test(result.error) && plan.batch > 1 && performance.now() < deadline) {
        plan = { ...plan, batch: plan.batch >> 1 };
        result = checkLoraStep(device, plan, peak?.teraflops ?? null, null, deadline);
        await releaseForgottenBuffers();
      }
      results.push(result);
    }
    const missing = options.shapes.length - results.length;
    const status: PartStatus = results.some((result) => result.error) || missing > 0 ? 'error' : 'passed';
    return { status, results, ...(missing > 0 ? { error: `the time budget ran out before ${missing} shape(s)` } : {}) };
  });
  const emptyLogits: DeviceCheckResult['parts']['logits'] = { status: 'error', seconds: 0, checkpoint: null, tokens: 0, maxAbsoluteError: null, referenceMaxAbs: null, transformersBfloat16MaxAbsError: null, tolerance: 0 };
  const logits = options.reference === null
    ? { ...emptyLogits, status: 'skipped' as PartStatus, error: 'no --reference directory (make-reference.py writes one)' }
    : await guard(deadline, emptyLogits, async () => {
      if (!device) return noDevice();
      const compared = await compareLogits(device, options.reference!);
      const limit = options.device === 'emulated'
        ? LOGITS_TOLERANCE.emulated
        : compared.transformersBfloat16MaxAbsError !== null ? 2 * compared.transformersBfloat16MaxAbsError : LOGITS_TOLERANCE.cudaRelative * compared.referenceMaxAbs;
      return { ...compared, tolerance: limit, status: (compared.maxAbsoluteError <= limit ? 'passed' : 'failed') as PartStatus };
    });
  return {
    format: 'swirl-device-check/1',
    startedAt,
    elapsedSeconds: (performance.now() - started) / 1000,
    budgetSeconds: options.budgetSeconds,
    device: { kind: options.device, name: device?.deviceName ?? null, card, peakTeraflops: peak?.teraflops ?? null, ...(device ? {} : { openError: opened.reason }) },
    node: process.version,
    hostBackend: describeBackend(getBackend()),
    parts: { kernels, ops, loraSteps, logits },
  };
}
