// Measures a policy's accuracy on held-out built-in tasks through the real agent loop, tools and outcome judge.
import { runEpisode } from '../../../core/agent/run-episode';
import { scoreAnswer } from '../../../core/judges/outcome-judge';
import { resolveMaxSteps, TrainerModelSchema, type FinishReason } from '../../../core/schemas';
import { createDemonstrationTools } from '../../../core/tasks/demonstrations';
import { generateTaskDataset, type TaskFamily } from '../../../core/tasks/generate-task-dataset';
import { TrainerProvider } from '../../../containers/trainer/src/serve/trainer-provider';
import { TINY_POLICY_PROMPTS } from './tiny-policy-settings';

export interface PolicyEvaluationOptions {
  family: TaskFamily;
  split: 'train' | 'test';
  count: number;
  seed: number;
  /** 0 is greedy (as the evaluation stage decodes); 1 samples as rollouts do. */
  temperature: number;
  maxTokens?: number;
}

export interface PolicyEvaluation {
  family: TaskFamily;
  split: 'train' | 'test';
  temperature: number;
  questions: number;
  correct: number;
  accuracy: number;
  meanSteps: number;
  finishReasons: Partial<Record<FinishReason, number>>;
  seconds: number;
}

export async function evaluateTinyPolicy(modelDirectory: string, options: PolicyEvaluationOptions): Promise<PolicyEvaluation> {
  const started = Date.now();
  const { rows, corpus } = generateTaskDataset(options.family, options.split, { count: options.count, seed: options.seed });
  const tools = createDemonstrationTools(corpus);
  const provider = new TrainerProvider(
    TrainerModelSchema.parse({ provider: 'trainer', model: modelDirectory, temperature: options.temperature, maxTokens: options.maxTokens ?? 64 }),
    { store: null, seed: options.seed },
  );
  let correct = 0;
  let steps = 0;
  const finishReasons: Partial<Record<FinishReason, number>> = {};
  for (const row of rows) {
    const trajectory = await runEpisode({
      runId: 'evaluate-tiny-policy',
      question: row,
      sample: 0,
      provider,
      tools,
      prompts: TINY_POLICY_PROMPTS,
      maxSteps: resolveMaxSteps({ maxSteps: undefined }, row.task),
    });
    if (scoreAnswer(trajectory.finalAnswer, row).correct) correct += 1;
    steps += trajectory.turns.length;
    finishReasons[trajectory.finishReason] = (finishReasons[trajectory.finishReason] ?? 0) + 1;
  }
  return {
    family: options.family,
    split: options.split,
    temperature: options.temperature,
    questions: rows.length,
    correct,
    accuracy: correct / rows.length,
    meanSteps: steps / rows.length,
    finishReasons,
    seconds: (Date.now() - started) / 1000,
  };
}
