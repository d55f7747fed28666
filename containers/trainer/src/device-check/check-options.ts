// The device check's command line: which device, which sizes, where the reference is and where the result goes.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ShapeName } from './model-shapes';

const SHAPE_NAMES = ['qwen2.5-0.5b', 'qwen2.5-1.5b', 'tiny'] as const satisfies readonly ShapeName[];

const positiveInteger = z.coerce.number().int().positive();

const optionsSchema = z.strictObject({
  device: z.enum(['cuda', 'emulated']),
  tiny: z.boolean().default(false),
  /** A directory with reference.json and the checkpoint (make-reference.py's output); without it the logits part is skipped. */
  reference: z.string().optional(),
  /** peft-steps.json from make-reference.py: the PyTorch + PEFT step times printed beside ours. */
  peft: z.string().optional(),
  output: z.string().optional(),
  'budget-seconds': positiveInteger.default(420),
  shapes: z.string().optional(),
  batch: positiveInteger.optional(),
  'sequence-length': positiveInteger.optional(),
  steps: positiveInteger.default(3),
  'warmup-steps': z.coerce.number().int().nonnegative().default(2),
});

export interface CheckOptions {
  device: 'cuda' | 'emulated';
  tiny: boolean;
  reference: string | null;
  peft: string | null;
  output: string | null;
  budgetSeconds: number;
  shapes: ShapeName[];
  batch: number;
  sequenceLength: number;
  steps: number;
  warmupSteps: number;
}

export const CHECK_USAGE = 'usage: device-check --device cuda|emulated [--tiny] [--reference DIR] [--peft FILE] [--output FILE] [--budget-seconds N] [--shapes a,b] [--batch N] [--sequence-length N] [--steps N] [--warmup-steps N]';

export function parseCheckOptions(argv: readonly string[]): CheckOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      device: { type: 'string' }, tiny: { type: 'boolean' }, reference: { type: 'string' }, peft: { type: 'string' }, output: { type: 'string' },
      'budget-seconds': { type: 'string' }, shapes: { type: 'string' }, batch: { type: 'string' }, 'sequence-length': { type: 'string' },
      steps: { type: 'string' }, 'warmup-steps': { type: 'string' },
    },
    strict: true,
  });
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`${issues}\n${CHECK_USAGE}`);
  }
  const options = parsed.data;
  const shapes = (options.shapes ?? (options.tiny ? 'tiny' : 'qwen2.5-0.5b,qwen2.5-1.5b')).split(',').map((name) => {
    if (!(SHAPE_NAMES as readonly string[]).includes(name)) throw new Error(`--shapes: expected names from ${SHAPE_NAMES.join(', ')}, received ${JSON.stringify(name)}`);
    return name as ShapeName;
  });
  return {
    device: options.device,
    tiny: options.tiny,
    reference: options.reference ?? null,
    peft: options.peft ?? null,
    output: options.output ?? null,
    budgetSeconds: options['budget-seconds'],
    shapes,
    batch: options.batch ?? (options.tiny ? 2 : 4),
    sequenceLength: options['sequence-length'] ?? (options.tiny ? 16 : 1024),
    steps: options.steps,
    warmupSteps: options['warmup-steps'],
  };
}
