// Settings of one training job (stage 6): objective, LoRA, optimizer and schedule.
import { z } from 'zod';

export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;

export const TrainerConfigSchema = z.strictObject({
  objective: z.enum(['sft', 'swirl']).default('swirl').describe('"sft": masked NLL on actions (baseline); "swirl": step-wise RL. Default swirl.'),
  baseline: z.enum(['none', 'sft']).default('sft').describe('Also train plain SFT on the same data, so evaluation reports base vs SFT vs the objective. Default sft.'),
  baseModel: z.string().default('builtin:tiny-policy').describe('Model directory (S3 key prefix or local path) with config.json, model.safetensors, tokenizer.json. Default builtin:tiny-policy.'),
  backend: z.enum(['auto', 'native', 'reference', 'cuda']).default('auto').describe('Kernel backend. Default auto (cuda, then native, then reference).'),
  lora: z.strictObject({
    rank: z.number().int().positive().default(8),
    alpha: z.number().positive().default(16),
    dropout: z.number().min(0).max(1).default(0),
    targets: z.array(z.enum(LORA_TARGETS)).min(1).default([...LORA_TARGETS]),
  }).nullable().default({ rank: 8, alpha: 16, dropout: 0, targets: [...LORA_TARGETS] }).describe('LoRA settings; null trains all weights. Default rank 8, alpha 16, all projections.'),
  learningRate: z.number().positive().default(1e-4).describe('Peak learning rate. Default 1e-4.'),
  warmupSteps: z.number().int().nonnegative().default(10),
  maxSteps: z.number().int().positive().default(200).describe('Optimizer steps. Default 200.'),
  batchSize: z.number().int().positive().default(8).describe('Records per micro-batch. Default 8.'),
  gradientAccumulation: z.number().int().positive().default(1),
  gradientClip: z.number().positive().default(1),
  weightDecay: z.number().nonnegative().default(0),
  maxSequenceLength: z.number().int().positive().default(1024),
  gradientCheckpointing: z.boolean().default(false).describe('Keep only each decoder layer\'s output in the forward pass and recompute the layer in the backward pass: activation memory of one layer instead of all, for about a third more compute (fits larger models or batches on a GPU). Default false.'),
  seed: z.number().int().default(1234),
  checkpointEvery: z.number().int().positive().default(50).describe('Checkpoint to S3 every N optimizer steps. Default 50.'),
  swirl: z.strictObject({
    samplesPerState: z.number().int().min(2).default(4).describe('Fresh actions sampled per recorded state. Default 4.'),
    batchSize: z.number().int().positive().nullable().default(null).describe('States per micro-batch (each yields samplesPerState sequences); null uses trainer.batchSize. Default null.'),
    klCoefficient: z.number().nonnegative().default(0.05).describe('Weight of the KL penalty to the reference. Default 0.05.'),
    clipRange: z.number().positive().nullable().default(0.2).describe('PPO-style ratio clip; null disables. Default 0.2.'),
    temperature: z.number().positive().default(1),
    maxNewTokens: z.number().int().positive().default(96),
    screenStates: z.number().int().nonnegative().default(0).describe('Before training, sample up to this many recorded states once (a seeded draw) and train only on those whose sampled actions got different rewards; the rest teach the policy gradient nothing. 0 trains on every state. Default 0.'),
    skipUniformGroups: z.boolean().default(true).describe('Leave out of each update the states whose sampled actions all got the same reward: they carry no policy-gradient signal, only the KL penalty. Default true.'),
  }).prefault({}),
});
export type TrainerConfig = z.infer<typeof TrainerConfigSchema>;
