// Which model answers, judges or rewards, and how to reach it (one adapter per provider).
import { z } from 'zod';

const pricing = z.strictObject({
  inputPer1k: z.number().nonnegative().default(0).describe('USD per 1,000 input tokens. Default 0.'),
  outputPer1k: z.number().nonnegative().default(0).describe('USD per 1,000 output tokens. Default 0.'),
}).default({ inputPer1k: 0, outputPer1k: 0 });

const sampling = {
  temperature: z.number().min(0).max(2).default(1).describe('Sampling temperature. Default 1.'),
  topP: z.number().gt(0).max(1).default(1).describe('Nucleus sampling mass. Default 1.'),
  maxTokens: z.number().int().positive().default(512).describe('Max new tokens per call. Default 512.'),
  timeoutMs: z.number().int().positive().default(60_000).describe('Per-call timeout. Default 60000.'),
  maxRetries: z.number().int().nonnegative().default(5).describe('Retries on throttling/5xx. Default 5.'),
  maxConcurrency: z.number().int().positive().default(8).describe('Concurrent calls per provider. Default 8.'),
  pricing,
};

export const OpenAiCompatibleModelSchema = z.strictObject({
  provider: z.literal('openai-compatible'),
  model: z.string().min(1),
  baseUrl: z.url().describe('Chat-completions base URL, e.g. http://localhost:8000/v1.'),
  apiKeyEnv: z.string().optional().describe('Environment variable holding the API key. Never put the key itself here.'),
  apiKeySecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, 'a Secrets Manager ARN').optional(),
  ...sampling,
});

export const BedrockModelSchema = z.strictObject({
  provider: z.literal('bedrock'),
  model: z.string().min(1).describe('Bedrock model id, inference profile or imported model ARN.'),
  region: z.string().optional(),
  endpoint: z.url().optional().describe('Override endpoint (tests, VPC endpoints).'),
  ...sampling,
});

export const ScriptedModelSchema = z.strictObject({
  provider: z.literal('scripted'),
  model: z.string().default('scripted'),
  responses: z.array(z.string()).min(1).describe('Outputs replayed in order for each trajectory (the last one repeats).'),
  ...sampling,
});

export const TrainerModelSchema = z.strictObject({
  provider: z.literal('trainer'),
  model: z.string().min(1).describe('Model directory: an S3 key prefix, a local path, or "builtin:tiny-policy".'),
  adapter: z.string().optional().describe('LoRA adapter directory to apply.'),
  ...sampling,
});

export const ModelConfigSchema = z.discriminatedUnion('provider', [
  OpenAiCompatibleModelSchema,
  BedrockModelSchema,
  ScriptedModelSchema,
  TrainerModelSchema,
]);
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const RuleJudgeSchema = z.strictObject({
  provider: z.literal('rule'),
  model: z.string().default('rule').describe('Heuristic judge for verifiable data (GSM8K/arith calculator checks, HotPotQA/hop supporting facts).'),
});

export const JudgeConfigSchema = z.discriminatedUnion('provider', [
  OpenAiCompatibleModelSchema,
  BedrockModelSchema,
  ScriptedModelSchema,
  TrainerModelSchema,
  RuleJudgeSchema,
]);
export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;
