// Builds a run's process and outcome judges from its config: rules by default, a model judge when configured.
import { createProvider } from '../providers/create-provider';
import { RunConfig } from '../schemas/run-config';
import { JudgeCache } from './judge-cache';
import { JudgeModel } from './judge-model';
import { StepJudge, TrajectoryJudge, RULE_STEP_JUDGE, RULE_TRAJECTORY_JUDGE } from './judge-shard';
import { LlmOutcomeJudge } from './llm-outcome-judge';
import { LlmProcessJudge } from './llm-process-judge';

export interface RunJudges {
  stepJudge: StepJudge;
  trajectoryJudge: TrajectoryJudge;
}

export interface CreateJudgesOptions {
  cache: JudgeCache;
  /** Default: createProvider(config.judge). */
  model?: JudgeModel;
  /** Default: config.judgeRetries. */
  parseRetries?: number;
}

export function createRunJudges(config: Pick<RunConfig, 'judge' | 'outcomeJudge' | 'prompts'> & Partial<Pick<RunConfig, 'judgeRetries'>>, options: CreateJudgesOptions): RunJudges {
  const judgeConfig = config.judge;
  if (judgeConfig.provider === 'rule') {
    if (config.outcomeJudge === 'llm') {
      throw new Error('outcomeJudge "llm" needs a model judge: expected judge.provider to be a model provider, received "rule"');
    }
    return { stepJudge: RULE_STEP_JUDGE, trajectoryJudge: RULE_TRAJECTORY_JUDGE };
  }
  const model = options.model ?? createProvider(judgeConfig);
  const parseRetries = options.parseRetries ?? config.judgeRetries;
  const generateOptions = { temperature: judgeConfig.temperature, topP: judgeConfig.topP, maxTokens: judgeConfig.maxTokens };
  const stepJudge = new LlmProcessJudge({
    model, prompt: config.prompts.processJudge, promptVersion: config.prompts.version, generateOptions, cache: options.cache, parseRetries,
  });
  const trajectoryJudge = config.outcomeJudge === 'llm'
    ? new LlmOutcomeJudge({ model, prompt: config.prompts.outcomeJudge, promptVersion: config.prompts.version, generateOptions, cache: options.cache, parseRetries })
    : RULE_TRAJECTORY_JUDGE;
  return { stepJudge, trajectoryJudge };
}
