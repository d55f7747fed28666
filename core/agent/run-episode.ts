// One episode: the policy writes an action per step, tools answer as the next user turn, until an answer or the step cap.
import { DatasetRow } from '../schemas/dataset-row';
import { Message, TokenUsage } from '../schemas/message';
import { FinishReason, Trajectory, TrajectoryTurn } from '../schemas/trajectory';
import { GenerateOptions, GenerateResult, ModelProvider } from '../providers/model-provider';
import { addUsage, NO_USAGE } from '../providers/price-usage';
import { RunBudget } from '../providers/run-budget';
import { executeTool } from '../tools/tool';
import { ToolRegistry } from '../tools/tool-registry';
import { buildPrompt, formatToolTurn, PromptTemplates } from './build-prompt';
import { parseAction } from './parse-action';

export interface EpisodeInput {
  runId: string;
  question: DatasetRow;
  sample: number;
  provider: ModelProvider;
  tools: ToolRegistry;
  prompts: PromptTemplates;
  maxSteps: number;
  budget?: RunBudget;
  /** Per-call options; a seed derived from the trajectory id is added unless one is given. */
  generateOptions?: GenerateOptions;
  /** What the trajectory's seed is derived from besides its id; default the run id (see seedOf). */
  seedScope?: string;
}

export function trajectoryIdOf(questionId: string, sample: number): string {
  return `${questionId}#${sample}`;
}

/**
 * A stable 31-bit seed per trajectory (FNV-1a of a scope and the trajectory id), so a rerun asks the backend for the
 * same sample. The scope is the run id, or `seed:<n>` when the config fixes a sampling seed across runs.
 */
export function seedOf(scope: string, trajectoryId: string): number {
  const text = `${scope}/${trajectoryId}`;
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x7fffffff;
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runEpisode(input: EpisodeInput): Promise<Trajectory> {
  const { runId, question, sample, provider, tools, budget } = input;
  const id = trajectoryIdOf(question.id, sample);
  const prompt = buildPrompt(input.prompts, tools, question, input.maxSteps);
  const messages: Message[] = [...prompt];
  const turns: TrajectoryTurn[] = [];
  const options: GenerateOptions = { seed: seedOf(input.seedScope ?? runId, id), ...input.generateOptions };
  let usage: TokenUsage = { ...NO_USAGE };
  let costUsd = 0;
  let finalAnswer: string | null = null;
  let error: string | undefined;

  const finish = (finishReason: FinishReason): Trajectory => ({
    id, runId, questionId: question.id, sample, question, prompt, turns, finalAnswer, finishReason, usage, costUsd, model: provider.id,
    ...(error !== undefined ? { error } : {}),
  });

  if (budget && !budget.tryStartTrajectory()) return finish('budget_exhausted');

  for (let index = 0; index < input.maxSteps; index += 1) {
    if (budget?.isExhausted()) return finish('budget_exhausted');
    const started = performance.now();
    let result: GenerateResult;
    try {
      result = await provider.generate(messages, options);
    } catch (failure) {
      error = `model call ${index} failed: ${describeFailure(failure)}`;
      return finish('model_error');
    }
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    const callCost = result.costUsd ?? 0;
    usage = addUsage(usage, result.usage);
    costUsd += callCost;
    budget?.record(result.usage, callCost);

    const action = parseAction(result.text, tools);
    const turn: TrajectoryTurn = { index, output: result.text, action, toolResult: null, usage: result.usage, latencyMs, error: null };
    turns.push(turn);
    messages.push({ role: 'assistant', content: result.text });

    if (result.finishReason === 'error') {
      turn.error = 'the model stopped with an error (content filtered or malformed output)';
      return finish('model_error');
    }
    if (action.type === 'answer') {
      finalAnswer = action.answer;
      return finish('answered');
    }
    if (action.type === 'invalid') {
      if (result.finishReason === 'length' && action.reason === 'unclosed_tag') turn.error = 'output cut off at the token limit';
      return finish('invalid_action');
    }
    const tool = tools.findByTag(action.tag)!;
    const executed = await executeTool(tool, action.input);
    turn.toolResult = formatToolTurn(action.input, executed.result);
    turn.error = executed.error;
    messages.push({ role: 'user', content: turn.toolResult });
  }
  return finish('step_limit');
}
