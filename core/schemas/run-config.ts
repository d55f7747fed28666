// The run configuration dropped into configs/: what to roll out, judge, filter, train and evaluate.
import { z } from 'zod';
import { JudgeConfigSchema, ModelConfigSchema } from './model-config';
import { TrainerConfigSchema } from './trainer-config';
import {
  DEFAULT_OUTCOME_JUDGE_PROMPT,
  DEFAULT_PROCESS_JUDGE_PROMPT,
  DEFAULT_SYSTEM_PROMPT,
  DEFAULT_USER_PROMPT,
} from '../prompts/default-prompts';

export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const DATASET_FORMATS = ['gsm8k', 'hotpotqa', 'musique', 'beerqa', 'cofca', 'jsonl', 'hop', 'arith'] as const;
export const DatasetFormatSchema = z.enum(DATASET_FORMATS);
export type DatasetFormat = z.infer<typeof DatasetFormatSchema>;
export const FILTER_STRATEGIES = ['none', 'process', 'outcome', 'process+outcome'] as const;
export const FilterStrategySchema = z.enum(FILTER_STRATEGIES);
export type FilterStrategy = z.infer<typeof FilterStrategySchema>;
export const RL_STATE_SOURCES = ['kept', 'good-history'] as const;
export const RlStateSourceSchema = z.enum(RL_STATE_SOURCES);
export type RlStateSource = z.infer<typeof RlStateSourceSchema>;

export const FieldMappingSchema = z.strictObject({
  id: z.string().default('id').describe('Field holding the row id. Default "id" (the line number when absent).'),
  question: z.string().default('question'),
  answer: z.string().default('answer'),
  aliases: z.string().optional().describe('Field holding a list of accepted answers.'),
  task: z.enum(['math', 'qa']).default('qa'),
});

export const DatasetRefSchema = z.strictObject({
  source: z.string().min(1).describe('Where the questions are: "s3://bucket/key", a key in the run bucket, "datasets/<name>" (imported), or "builtin:<family>:<split>" (generated hop/arith tasks).'),
  format: DatasetFormatSchema,
  split: z.string().optional().describe('Split name for builtin/generated data (train | test).'),
  limit: z.number().int().positive().optional().describe('Use only the first N questions. Default: all.'),
  fields: FieldMappingSchema.optional().describe('Field mapping, only for format "jsonl".'),
});
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

export const EvalSetSchema = DatasetRefSchema.extend({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
  maxSteps: z.number().int().positive().optional().describe('Step cap for evaluation. Default: the task default (5 QA, 10 math).'),
});

export const RunConfigSchema = z.strictObject({
  runId: z.string().regex(RUN_ID_PATTERN, 'a run id matching [a-z0-9][a-z0-9-]{0,62}').describe('Run id: lowercase letters, digits and dashes, at most 63 characters.'),
  dataset: DatasetRefSchema,
  tools: z.strictObject({
    search: z.strictObject({
      enabled: z.boolean().default(true),
      corpus: z.string().optional().describe('Corpus key; default: the dataset\'s own corpus.'),
      topK: z.number().int().positive().max(20).default(1).describe('Documents returned per query. Default 1, as in the method.'),
      sentenceOrder: z.enum(['relevance', 'document']).default('relevance').describe('Order of each returned document\'s sentences: "relevance" puts those matching the query best first (nothing is dropped); "document" keeps the page as written. Default "relevance".'),
    }).prefault({}),
    calculator: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  }).prefault({}),
  policy: ModelConfigSchema.describe('The policy model that writes trajectories.'),
  judge: JudgeConfigSchema.default({ provider: 'rule', model: 'rule' }).describe('Process judge. Default: the rule-based judge.'),
  outcomeJudge: z.enum(['rule', 'llm']).default('rule').describe('Outcome judging: numeric/EM rules, or the LLM equivalence judge. Default rule.'),
  judgeRetries: z.number().int().min(0).max(10).default(2).describe('Extra calls to a model judge after an error or a reply without a readable verdict; then the verdict is "unknown". Default 2.'),
  samplesPerQuestion: z.number().int().positive().max(64).default(5).describe('Trajectories per question. Default 5.'),
  samplingSeed: z.number().int().nonnegative().optional().describe('Rollout sampling seed: runs with the same seed, config and model draw the same trajectories. Default: derived from the run id, so every run samples anew.'),
  maxSteps: z.number().int().positive().max(50).optional().describe('Step cap. Default 5 for QA, 10 for math.'),
  filter: FilterStrategySchema.default('process').describe('Trajectory filter. Default "process" (best in the method).'),
  rlStates: RlStateSourceSchema.default('kept').describe('Where the swirl objective\'s states come from: "kept", every state of the trajectories the filter kept; "good-history", every state whose earlier steps the process judge all found GOOD, in kept trajectories or not (with the none or outcome filter, which judge no steps: every state) (swirl samples its own action in each state, so the recorded action there does not matter, and the states where the policy went wrong are kept). SFT records always come from kept trajectories. Default "kept".'),
  prompts: z.strictObject({
    system: z.string().default(DEFAULT_SYSTEM_PROMPT),
    user: z.string().default(DEFAULT_USER_PROMPT),
    processJudge: z.string().default(DEFAULT_PROCESS_JUDGE_PROMPT),
    outcomeJudge: z.string().default(DEFAULT_OUTCOME_JUDGE_PROMPT),
    version: z.string().default('v1').describe('Bump when you change a judge prompt so cached judgments are not reused.'),
  }).prefault({}),
  trainer: TrainerConfigSchema.prefault({}),
  eval: z.array(EvalSetSchema).default([]).describe('Held-out sets evaluated for the base and trained models. Default none.'),
  validationFraction: z.number().min(0).max(0.5).default(0.1).describe('Share of questions held out for validation. Default 0.1.'),
  budgets: z.strictObject({
    maxTrajectories: z.number().int().positive().optional().describe('Stop starting rollouts after this many. Default unlimited.'),
    maxTokens: z.number().int().positive().optional(),
    maxCostUsd: z.number().positive().optional(),
  }).prefault({}),
  concurrency: z.strictObject({
    questionsPerShard: z.number().int().positive().default(50).describe('Questions per rollout shard. Default 50.'),
    rollout: z.number().int().positive().default(8).describe('Concurrent trajectories inside one rollout Lambda. Default 8.'),
    judge: z.number().int().positive().default(8),
    toleratedFailurePercentage: z.number().min(0).max(100).default(0),
  }).prefault({}),
});
export type RunConfig = z.infer<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;

/** The step cap in force: the config's, else 10 for math and 5 for QA. */
export function resolveMaxSteps(config: Pick<RunConfig, 'maxSteps'>, task: 'math' | 'qa'): number {
  return config.maxSteps ?? (task === 'math' ? 10 : 5);
}
