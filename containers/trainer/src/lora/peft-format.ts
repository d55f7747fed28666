// PEFT's on-disk convention for LoRA adapters: adapter_config.json and adapter_model.safetensors key names.
import { z } from 'zod';
import { LORA_TARGETS } from '../../../../core/schemas/trainer-config';
import { parseWith } from '../../../../core/schemas/validation-error';
import { ProjectionName, projectionModule } from '../model/weight-names';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
/** PEFT wraps the causal LM (base_model) whose inner model holds the layers (model). */
export const PEFT_KEY_PREFIX = 'base_model.model.';

export interface LoraSettings {
  rank: number;
  alpha: number;
  dropout: number;
  targets: ProjectionName[];
}

/** base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight (A: [rank, in]; B: [out, rank]). */
export function peftKey(layer: number, projection: ProjectionName, matrix: 'A' | 'B'): string {
  return `${PEFT_KEY_PREFIX}${projectionModule(layer, projection)}.lora_${matrix}.weight`;
}

export function createAdapterConfig(settings: LoraSettings, baseModel: string): Record<string, unknown> {
  return {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: baseModel,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: settings.alpha,
    lora_dropout: settings.dropout,
    modules_to_save: null,
    peft_type: 'LORA',
    r: settings.rank,
    rank_pattern: {},
    revision: null,
    target_modules: [...settings.targets].sort(),
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: false,
  };
}

const AdapterConfigSchema = z.looseObject({
  peft_type: z.literal('LORA'),
  r: z.number().int().positive(),
  lora_alpha: z.number().positive(),
  lora_dropout: z.number().min(0).max(1).default(0),
  target_modules: z.array(z.enum(LORA_TARGETS)).min(1),
  bias: z.literal('none').default('none'),
  fan_in_fan_out: z.literal(false).default(false),
  use_dora: z.literal(false).optional(),
  use_rslora: z.literal(false).optional(),
  rank_pattern: z.record(z.string(), z.never()).optional(),
  alpha_pattern: z.record(z.string(), z.never()).optional(),
});

/** Reads the subset of adapter_config.json this model supports; rejects DoRA, rsLoRA, per-module ranks. */
export function parseAdapterConfig(input: unknown, label = ADAPTER_CONFIG_FILE): LoraSettings {
  const config = parseWith(AdapterConfigSchema, input, label);
  return { rank: config.r, alpha: config.lora_alpha, dropout: config.lora_dropout, targets: [...config.target_modules] };
}
