// The device check's one JSON result: what ran where, and each part's numbers or the error that stopped it.
import { z } from 'zod';

export const PART_STATUSES = ['passed', 'failed', 'error', 'skipped'] as const;

/** One comparison against the reference (a kernel, or an op's output or an input's gradient). */
const comparisonSchema = z.strictObject({
  name: z.string(),
  maxAbsoluteError: z.number().nullable(),
  maxScaledError: z.number().nullable(),
  tolerance: z.number(),
  passed: z.boolean(),
  /** Sampled or greedy token ids that differ from the reference's (sampleTokens only). */
  tokenMismatches: z.number().int().optional(),
  error: z.string().optional(),
});

const transferSchema = z.strictObject({ uploadBytes: z.number(), downloadBytes: z.number(), indexBytes: z.number() });

const loraStepSchema = z.strictObject({
  shape: z.string(),
  batch: z.number().int(),
  sequenceLength: z.number().int(),
  baseParameters: z.number().int(),
  trainableParameters: z.number().int(),
  /** Seconds to build the random bf16 base in host memory and place it on the device. */
  setupSeconds: z.number().nullable(),
  steps: z.number().int(),
  secondsPerStep: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  flopsPerStep: z.number(),
  achievedTeraflops: z.number().nullable(),
  mfu: z.number().nullable(),
  peakDeviceBytes: z.number().nullable(),
  transfersPerStep: transferSchema.nullable(),
  losses: z.array(z.number()),
  /** The same step timed with PyTorch + PEFT on the card, where the reference script ran it. */
  peft: z.strictObject({ secondsPerStep: z.number(), tokensPerSecond: z.number(), mfu: z.number().nullable(), peakDeviceBytes: z.number().nullable() }).nullable(),
  error: z.string().optional(),
});

const partBase = { status: z.enum(PART_STATUSES), seconds: z.number(), error: z.string().optional() };

export const deviceCheckResultSchema = z.strictObject({
  format: z.literal('swirl-device-check/1'),
  startedAt: z.string(),
  elapsedSeconds: z.number(),
  budgetSeconds: z.number(),
  device: z.strictObject({
    kind: z.enum(['cuda', 'emulated']),
    /** The table's name ('cuda:0', 'emulated:0'); null where it did not open. */
    name: z.string().nullable(),
    card: z.string().nullable(),
    peakTeraflops: z.number().nullable(),
    openError: z.string().optional(),
  }),
  node: z.string(),
  /** The host kernels in use (the CPU side of the comparison runs the TypeScript reference whatever this is). */
  hostBackend: z.string(),
  parts: z.strictObject({
    kernels: z.strictObject({ ...partBase, results: z.array(comparisonSchema) }),
    ops: z.strictObject({ ...partBase, results: z.array(comparisonSchema) }),
    loraSteps: z.strictObject({ ...partBase, results: z.array(loraStepSchema) }),
    logits: z.strictObject({
      ...partBase,
      checkpoint: z.string().nullable(),
      tokens: z.number().int(),
      maxAbsoluteError: z.number().nullable(),
      referenceMaxAbs: z.number().nullable(),
      /** transformers' own bf16 forward against the float32 reference: the rounding a bf16 computation is expected to show. */
      transformersBfloat16MaxAbsError: z.number().nullable(),
      tolerance: z.number(),
    }),
  }),
});

export type DeviceCheckResult = z.infer<typeof deviceCheckResultSchema>;
export type Comparison = z.infer<typeof comparisonSchema>;
export type LoraStepResult = z.infer<typeof loraStepSchema>;
export type PartStatus = (typeof PART_STATUSES)[number];
