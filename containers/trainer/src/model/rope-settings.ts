// Rotary settings read from either config layout: transformers 5's rope_parameters or 4.x's rope_theta + rope_scaling.
import { z } from 'zod';
import { parseWith } from '../../../../core/schemas/validation-error';

export const ROPE_TYPES = ['default', 'linear', 'llama3'] as const;
export type RopeType = (typeof ROPE_TYPES)[number];

export interface RopeSettings {
  type: RopeType;
  theta: number;
  /** Position divisor (linear) or low-frequency divisor (llama3); 1 for default. */
  factor: number;
  /** llama3 only: the band between these wavelength factors is interpolated. */
  lowFrequencyFactor: number | null;
  highFrequencyFactor: number | null;
  originalMaxPositions: number | null;
}

// Every key either layout may hold; anything else is refused rather than silently ignored.
const ScalingSchema = z.strictObject({
  rope_type: z.string().optional(),
  type: z.string().optional(),
  rope_theta: z.number().positive().optional(),
  factor: z.number().positive().optional(),
  low_freq_factor: z.number().positive().optional(),
  high_freq_factor: z.number().positive().optional(),
  original_max_position_embeddings: z.number().int().positive().optional(),
  partial_rotary_factor: z.literal(1).optional(),
});
type Scaling = z.infer<typeof ScalingSchema>;

export interface RopeFields {
  rope_parameters?: unknown;
  rope_theta?: unknown;
  rope_scaling?: unknown;
}

function readNumber(value: unknown, name: string, label: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0)) throw new Error(`${label}: ${name}: expected a positive number, received ${JSON.stringify(value)}`);
  return value;
}

function requireField(scaling: Scaling, key: 'factor' | 'low_freq_factor' | 'high_freq_factor' | 'original_max_position_embeddings', where: string, type: string, label: string): number {
  const value = scaling[key];
  if (value === undefined) throw new Error(`${label}: ${where}.${key}: expected a positive number for rope type ${JSON.stringify(type)}, received nothing`);
  return value;
}

/** Reads the rotary settings; a rope type or field this decoder cannot compute is refused with its name and value. */
export function parseRopeSettings(fields: RopeFields, defaultTheta: number, label: string): RopeSettings {
  const { rope_parameters: parameters, rope_theta: legacyTheta, rope_scaling: legacyScaling } = fields;
  let where: string;
  let scaling: Scaling;
  let theta: number | undefined;
  if (parameters !== undefined && parameters !== null) {
    where = 'rope_parameters';
    scaling = parseWith(ScalingSchema, parameters, `${label}: rope_parameters`);
    theta = scaling.rope_theta;
    const topLevel = readNumber(legacyTheta, 'rope_theta', label);
    if (topLevel !== undefined && theta !== undefined && topLevel !== theta) {
      throw new Error(`${label}: rope_theta ${topLevel} disagrees with rope_parameters.rope_theta ${theta}`);
    }
    theta ??= topLevel;
    if (legacyScaling !== undefined && legacyScaling !== null) {
      throw new Error(`${label}: rope_scaling: expected null beside rope_parameters (one layout at a time), received ${JSON.stringify(legacyScaling)}`);
    }
  } else {
    where = 'rope_scaling';
    scaling = legacyScaling === undefined || legacyScaling === null ? {} : parseWith(ScalingSchema, legacyScaling, `${label}: rope_scaling`);
    theta = readNumber(legacyTheta, 'rope_theta', label) ?? scaling.rope_theta;
  }
  if (scaling.rope_type !== undefined && scaling.type !== undefined && scaling.rope_type !== scaling.type) {
    throw new Error(`${label}: ${where}: rope_type ${JSON.stringify(scaling.rope_type)} disagrees with type ${JSON.stringify(scaling.type)}`);
  }
  const type = scaling.rope_type ?? scaling.type ?? 'default';
  if (!(ROPE_TYPES as readonly string[]).includes(type)) {
    throw new Error(`${label}: ${where}.rope_type: expected ${ROPE_TYPES.join(' | ')}, received ${JSON.stringify(type)} (this rotary scaling is not supported)`);
  }
  const settings: RopeSettings = { type: type as RopeType, theta: theta ?? defaultTheta, factor: 1, lowFrequencyFactor: null, highFrequencyFactor: null, originalMaxPositions: null };
  if (type === 'default') {
    for (const key of ['factor', 'low_freq_factor', 'high_freq_factor'] as const) {
      if (scaling[key] !== undefined) throw new Error(`${label}: ${where}.${key}: rope type "default" takes no ${key}, received ${scaling[key]}`);
    }
    return settings;
  }
  settings.factor = requireField(scaling, 'factor', where, type, label);
  if (type === 'linear') return settings;
  settings.lowFrequencyFactor = requireField(scaling, 'low_freq_factor', where, type, label);
  settings.highFrequencyFactor = requireField(scaling, 'high_freq_factor', where, type, label);
  settings.originalMaxPositions = requireField(scaling, 'original_max_position_embeddings', where, type, label);
  if (settings.highFrequencyFactor <= settings.lowFrequencyFactor) {
    throw new Error(`${label}: ${where}.high_freq_factor ${settings.highFrequencyFactor} must exceed low_freq_factor ${settings.lowFrequencyFactor}`);
  }
  return settings;
}

/** The 4.x layout (read by every transformers release): rope_theta, and rope_scaling when scaled. */
export function toLegacyRopeFields(rope: RopeSettings): Record<string, unknown> {
  if (rope.type === 'default') return { rope_theta: rope.theta };
  const scaling: Record<string, unknown> = { rope_type: rope.type, factor: rope.factor };
  if (rope.type === 'llama3') {
    Object.assign(scaling, { low_freq_factor: rope.lowFrequencyFactor, high_freq_factor: rope.highFrequencyFactor, original_max_position_embeddings: rope.originalMaxPositions });
  }
  return { rope_theta: rope.theta, rope_scaling: scaling };
}

/**
 * Inverse frequency of each rotated pair (headDim/2 of them), as transformers computes them: theta^(−2i/d),
 * divided by `factor` for linear scaling; llama3 divides only the long wavelengths and blends the middle band.
 */
export function computeInverseFrequencies(rope: RopeSettings, headDimension: number): Float64Array {
  const half = headDimension / 2;
  const frequencies = new Float64Array(half);
  for (let index = 0; index < half; index += 1) {
    // float32 like transformers' own table, so positions far out rotate by the same angles.
    frequencies[index] = Math.fround(1 / Math.fround(rope.theta ** ((2 * index) / headDimension)));
  }
  if (rope.type === 'linear') for (let index = 0; index < half; index += 1) frequencies[index] /= rope.factor;
  if (rope.type !== 'llama3') return frequencies;
  const original = rope.originalMaxPositions!;
  const low = rope.lowFrequencyFactor!;
  const high = rope.highFrequencyFactor!;
  const lowFrequencyWavelength = original / low;
  const highFrequencyWavelength = original / high;
  for (let index = 0; index < half; index += 1) {
    const frequency = frequencies[index];
    const wavelength = (2 * Math.PI) / frequency;
    if (wavelength > lowFrequencyWavelength) frequencies[index] = frequency / rope.factor;
    else if (wavelength >= highFrequencyWavelength) {
      const smooth = (original / wavelength - low) / (high - low);
      frequencies[index] = (1 - smooth) * (frequency / rope.factor) + smooth * frequency;
    }
  }
  return frequencies;
}
