// The embedded default run: the tiny policy on generated hop questions, judged by rules, filtered, trained with swirl and sft, evaluated in-domain and cross-task.
import { COMPACT_SYSTEM_PROMPT } from '../../core/prompts/default-prompts';
import { FilterStrategy, RunConfig, RunConfigInput, RunConfigSchema } from '../../core/schemas/run-config';

/** Sizes of the demo run; the defaults fit `npm start` in ten minutes on two cores, tests cut them down. */
export interface DemoSize {
  /** Training questions (hop). */
  questions: number;
  /** Questions per eval set (hop in-domain, arith cross-task). */
  evalQuestions: number;
  samplesPerQuestion: number;
  /** Optimizer steps of each trained model (swirl and the sft baseline). */
  trainSteps: number;
  batchSize: number;
  /** Fresh actions sampled per recorded state by the swirl objective. */
  samplesPerState: number;
  /** New tokens per policy call: the tiny policy's actions are short. */
  maxTokens: number;
}

export interface DemoConfigOptions extends Partial<DemoSize> {
  runId?: string;
  filter?: FilterStrategy;
  /** Questions per rollout shard; default: four shards. */
  questionsPerShard?: number;
  /** Base policy directory; default builtin:tiny-policy (models/tiny-policy). */
  baseModel?: string;
}

export const DEFAULT_DEMO_SIZE: DemoSize = {
  questions: 100,
  evalQuestions: 60,
  samplesPerQuestion: 5,
  trainSteps: 40,
  batchSize: 8,
  samplesPerState: 8,
  maxTokens: 64,
};

export const DEMO_BASE_MODEL = 'builtin:tiny-policy';
export const DEMO_SAMPLING_TEMPERATURE = 0.6;
export const DEMO_SAMPLING_SEED = 1;
/** More than the demo's RL states (about 480), so screening sees all of them. */
export const DEMO_SCREENED_STATES = 1000;

/** A run id that sorts by time and never collides with an earlier run in a persistent store. */
export function createDemoRunId(prefix = 'demo', now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').replace(/\..*$/, '').toLowerCase();
  return `${prefix}-${stamp}`;
}

export const DEMO_DEFAULT_FILTER: FilterStrategy = 'process';

/** Pure: the run config JSON of the demo for the given sizes (validated, so a bad size fails here and not mid-run). */
export function createDemoConfig(options: DemoConfigOptions = {}): RunConfigInput {
  const size: DemoSize = { ...DEFAULT_DEMO_SIZE, ...definedOnly(options) };
  const baseModel = options.baseModel ?? DEMO_BASE_MODEL;
  const config: RunConfigInput = {
    runId: options.runId ?? createDemoRunId(),
    dataset: { source: 'builtin:hop:train', format: 'hop', limit: size.questions },
    // Measured on 60 held-out hop questions: 32 right greedy. At its blind spot (a person's employer) on train questions
    // it takes the employer in 34 of 207 samples at 0.6, so swirl's samples there can disagree.
    policy: { provider: 'trainer', model: baseModel, temperature: DEMO_SAMPLING_TEMPERATURE, topP: 1, maxTokens: size.maxTokens },
    judge: { provider: 'rule', model: 'rule' },
    outcomeJudge: 'rule',
    samplesPerQuestion: size.samplesPerQuestion,
    // Fixed, so every `npm start` draws the same rollouts and the README's table can be reproduced.
    samplingSeed: DEMO_SAMPLING_SEED,
    // The tiny policy was trained with the one-line prompt (models/tiny-policy/README.md); a run must show it the same.
    prompts: { system: COMPACT_SYSTEM_PROMPT },
    filter: options.filter ?? DEMO_DEFAULT_FILTER,
    // Swirl samples its own action in every state, so it trains where the base policy went wrong too: the state
    // after a good history whose recorded action was bad is the one a fresh sample can do better in.
    rlStates: 'good-history',
    trainer: {
      objective: 'swirl',
      baseline: 'sft',
      baseModel,
      maxSteps: size.trainSteps,
      warmupSteps: Math.min(5, Math.floor(size.trainSteps / 5)),
      batchSize: size.batchSize,
      // Measured: 5e-4 and 3e-3 left every greedy answer unchanged; 1e-2 broke swirl (hop 30%).
      learningRate: 5e-3,
      checkpointEvery: Math.max(size.trainSteps, 1),
      // Screening every state first puts each step's batch on states whose samples disagree (about 3 in 10); the rest
      // carry no policy-gradient signal. Eight samples find a good action where the policy takes it about 1 time in 6.
      swirl: { samplesPerState: size.samplesPerState, maxNewTokens: size.maxTokens, temperature: DEMO_SAMPLING_TEMPERATURE, screenStates: DEMO_SCREENED_STATES },
    },
    eval: [
      { name: 'hop', source: 'builtin:hop:test', format: 'hop', limit: size.evalQuestions },
      { name: 'arith', source: 'builtin:arith:test', format: 'arith', limit: size.evalQuestions },
    ],
    concurrency: { questionsPerShard: options.questionsPerShard ?? Math.max(1, Math.ceil(size.questions / 4)), rollout: 4, judge: 4 },
  };
  RunConfigSchema.parse(config);
  return config;
}

/** The resolved (defaults filled) form, for code that reads the config rather than uploading it. */
export function resolveDemoConfig(options: DemoConfigOptions = {}): RunConfig {
  return RunConfigSchema.parse(createDemoConfig(options));
}

function definedOnly(options: DemoConfigOptions): Partial<DemoSize> {
  const keys: (keyof DemoSize)[] = ['questions', 'evalQuestions', 'samplesPerQuestion', 'trainSteps', 'batchSize', 'samplesPerState', 'maxTokens'];
  const result: Partial<DemoSize> = {};
  for (const key of keys) if (options[key] !== undefined) result[key] = options[key];
  return result;
}
