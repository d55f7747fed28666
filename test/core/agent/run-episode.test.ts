// The agent loop with a scripted model and real tools: turns, finish reasons, budgets and recorded failures.
import { runEpisode, seedOf, EpisodeInput } from '../../../core/agent/run-episode';
import { DEFAULT_SYSTEM_PROMPT, DEFAULT_USER_PROMPT } from '../../../core/prompts/default-prompts';
import { GenerateOptions, ModelProvider, ProviderError } from '../../../core/providers/model-provider';
import { RunBudget } from '../../../core/providers/run-budget';
import { ScriptedProvider } from '../../../core/providers/scripted-provider';
import { DatasetRow, DatasetRowSchema, Message, TrajectorySchema } from '../../../core/schemas';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { createCalculatorTool } from '../../../core/tools/calculator';
import { createSearchTool } from '../../../core/tools/search-tool';
import { ToolRegistry } from '../../../core/tools/tool-registry';

const question: DatasetRow = DatasetRowSchema.parse({
  id: 'q1', question: 'The band behind the album "Tinted Windows" first played in what city?', answer: 'Tulsa', task: 'qa', source: 'hotpotqa',
});
const corpus = Bm25Index.build([
  { id: 'tinted-windows-band', title: 'Tinted Windows (band)', text: 'Tinted Windows played their first show in Tulsa, Oklahoma.' },
  { id: 'tulsa', title: 'Tulsa', text: 'Tulsa is the second-largest city in Oklahoma.' },
], { key: 'corpus.jsonl', etag: null });

function createTools(): ToolRegistry {
  return new ToolRegistry([createSearchTool(corpus), createCalculatorTool()]);
}

function episode(provider: ModelProvider, overrides: Partial<EpisodeInput> = {}): Promise<ReturnType<typeof TrajectorySchema.parse>> {
  return runEpisode({
    runId: 'run-1', question, sample: 2, provider, tools: createTools(),
    prompts: { system: DEFAULT_SYSTEM_PROMPT, user: DEFAULT_USER_PROMPT }, maxSteps: 5, ...overrides,
  }).then((trajectory) => TrajectorySchema.parse(trajectory));
}

function scripted(...responses: string[]): ScriptedProvider {
  return new ScriptedProvider({ model: 'script', responses, pricing: { inputPer1k: 1, outputPer1k: 2 } });
}

/** Records every call so tests can look at the conversation the model saw. */
class RecordingProvider implements ModelProvider {
  readonly id = 'recording';
  readonly calls: Array<{ messages: Message[]; options?: GenerateOptions }> = [];
  constructor(private readonly inner: ModelProvider) {}
  generate(messages: Message[], options?: GenerateOptions) {
    this.calls.push({ messages: messages.map((message) => ({ ...message })), options });
    return this.inner.generate(messages, options);
  }
}

describe('runEpisode', () => {
  it('searches, calculates and answers, returning tool results as "QUERY -> RESULT" user turns', async () => {
    const provider = new RecordingProvider(scripted(
      'Find the band.\n<search_query>Tinted Windows band first show</search_query>',
      '<math_exp>2,000 * 3</math_exp>',
      'It was Tulsa.\n<answer>Tulsa</answer>',
    ));
    const trajectory = await episode(provider);
    expect(trajectory.id).toBe('q1#2');
    expect(trajectory.finishReason).toBe('answered');
    expect(trajectory.finalAnswer).toBe('Tulsa');
    expect(trajectory.turns).toHaveLength(3);
    expect(trajectory.turns[0].toolResult).toBe('Tinted Windows band first show -> Tinted Windows (band): Tinted Windows played their first show in Tulsa, Oklahoma.');
    expect(trajectory.turns[1].toolResult).toBe('2,000 * 3 -> 6000');
    expect(trajectory.turns[2].toolResult).toBeNull();
    expect(trajectory.turns[0].output).toBe('Find the band.\n<search_query>Tinted Windows band first show</search_query>');
    expect(trajectory.prompt[0].content).toContain('at most 5 steps');
    expect(trajectory.prompt[0].content).toContain('<search_query>...</search_query>');
    expect(trajectory.prompt[0].content).toContain('<math_exp>...</math_exp>');
    expect(trajectory.prompt[1].content).toBe(`Question: ${question.question}`);
    const lastCall = provider.calls[2].messages;
    expect(lastCall.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(lastCall[5].content).toBe('2,000 * 3 -> 6000');
    expect(provider.calls[0].options?.seed).toBe(seedOf('run-1', 'q1#2'));
    const usage = trajectory.turns.reduce((sum, turn) => sum + turn.usage.inputTokens + turn.usage.outputTokens, 0);
    expect(trajectory.usage.inputTokens + trajectory.usage.outputTokens).toBe(usage);
    expect(trajectory.costUsd).toBeCloseTo((trajectory.usage.inputTokens * 1 + trajectory.usage.outputTokens * 2) / 1000, 10);
    expect(trajectory.model).toBe('recording');
  });

  it('renders the run\'s own prompt templates', async () => {
    const trajectory = await episode(scripted('<answer>Tulsa</answer>'), {
      prompts: { system: 'Tools:\n{{toolList}}\nSteps: {{maxSteps}}', user: 'Q> {{question}}' }, maxSteps: 3,
    });
    expect(trajectory.prompt[0].content).toBe(`Tools:\n${createTools().describe()}\nSteps: 3`);
    expect(trajectory.prompt[1].content).toBe(`Q> ${question.question}`);
  });

  it('stops at the step limit', async () => {
    const trajectory = await episode(scripted('<search_query>Tulsa</search_query>'), { maxSteps: 3 });
    expect(trajectory.finishReason).toBe('step_limit');
    expect(trajectory.turns).toHaveLength(3);
    expect(trajectory.finalAnswer).toBeNull();
  });

  it.each([
    ['no action', 'I think it is Tulsa.', 'no_action'],
    ['an unclosed tag', '<search_query>Tinted Windows', 'unclosed_tag'],
    ['an empty query', '<search_query> </search_query>', 'empty_input'],
    ['a 50 KB answer', `<answer>${'Tulsa '.repeat(10_000)}</answer>`, 'too_long'],
    ['a disabled tool', '<weather>Tulsa</weather><search_query>x</search_query>', 'unknown_tool'],
  ])('ends with invalid_action on %s', async (_name, output, reason) => {
    const tools = reason === 'unknown_tool' ? new ToolRegistry([createCalculatorTool()]) : createTools();
    const trajectory = await episode(scripted('<math_exp>1+1</math_exp>', output), { tools });
    expect(trajectory.finishReason).toBe('invalid_action');
    expect(trajectory.turns).toHaveLength(2);
    expect(trajectory.turns[1].action).toMatchObject({ type: 'invalid', reason });
    expect(trajectory.turns[1].output).toBe(output);
  });

  it('executes only the first of two actions', async () => {
    const trajectory = await episode(scripted('<math_exp>6*7</math_exp><answer>41</answer>', '<answer>42</answer>'));
    expect(trajectory.turns[0].toolResult).toBe('6*7 -> 42');
    expect(trajectory.finalAnswer).toBe('42');
  });

  it('returns calculator errors to the model as the tool result and goes on', async () => {
    const trajectory = await episode(scripted('<math_exp>7/0</math_exp>', '<answer>unknown</answer>'));
    expect(trajectory.turns[0].toolResult).toMatch(/^7\/0 -> Error: .*division by zero/);
    expect(trajectory.finishReason).toBe('answered');
  });

  it('records a failing tool as data', async () => {
    const tools = new ToolRegistry([{ name: 'search', tag: 'search_query', description: 'broken.', execute: async () => { throw new Error('index unavailable'); } }]);
    const trajectory = await episode(scripted('<search_query>Tulsa</search_query>', '<answer>Tulsa</answer>'), { tools });
    expect(trajectory.turns[0].toolResult).toBe('Tulsa -> Error: index unavailable');
    expect(trajectory.turns[0].error).toBe('search: index unavailable');
    expect(trajectory.finishReason).toBe('answered');
  });

  it('ends with model_error when the model call fails, keeping earlier turns', async () => {
    let calls = 0;
    const flaky: ModelProvider = {
      id: 'flaky',
      async generate() {
        calls += 1;
        if (calls > 1) throw new ProviderError('flaky: HTTP 503: overloaded', true, 503);
        return { text: '<search_query>Tulsa</search_query>', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 5 } };
      },
    };
    const trajectory = await episode(flaky);
    expect(trajectory.finishReason).toBe('model_error');
    expect(trajectory.turns).toHaveLength(1);
    expect(trajectory.error).toContain('HTTP 503');
  });

  it('ends with model_error when the model reports an error finish', async () => {
    const filtered: ModelProvider = { id: 'filtered', generate: async () => ({ text: '', finishReason: 'error', usage: { inputTokens: 3, outputTokens: 0 } }) };
    const trajectory = await episode(filtered);
    expect(trajectory.finishReason).toBe('model_error');
    expect(trajectory.turns[0].error).toContain('error');
  });

  it('marks a cut-off output as an unclosed tag at the token limit', async () => {
    const truncated: ModelProvider = { id: 'cut', generate: async () => ({ text: '<answer>Tul', finishReason: 'length', usage: { inputTokens: 3, outputTokens: 2 } }) };
    const trajectory = await episode(truncated);
    expect(trajectory.finishReason).toBe('invalid_action');
    expect(trajectory.turns[0].error).toContain('token limit');
  });

  it('ends with budget_exhausted when the trajectory budget is spent', async () => {
    const budget = new RunBudget({ maxTrajectories: 1 });
    const first = await episode(scripted('<answer>Tulsa</answer>'), { budget });
    const provider = scripted('<answer>Tulsa</answer>');
    const second = await episode(provider, { budget, sample: 3 });
    expect(first.finishReason).toBe('answered');
    expect(second.finishReason).toBe('budget_exhausted');
    expect(second.turns).toEqual([]);
    expect(provider.calls).toBe(0);
  });

  it('stops mid-episode when the token budget runs out', async () => {
    const budget = new RunBudget({ maxTokens: 150 });
    const trajectory = await episode(scripted('<search_query>Tulsa</search_query>'), { budget, maxSteps: 10 });
    expect(trajectory.finishReason).toBe('budget_exhausted');
    expect(trajectory.turns.length).toBeGreaterThan(0);
    expect(trajectory.turns.length).toBeLessThan(10);
    expect(budget.spending().tokens).toBeGreaterThanOrEqual(150);
  });

  it('stops when the cost budget runs out', async () => {
    const budget = new RunBudget({ maxCostUsd: 0.0001 });
    const trajectory = await episode(scripted('<search_query>Tulsa</search_query>'), { budget, maxSteps: 10 });
    expect(trajectory.finishReason).toBe('budget_exhausted');
    expect(budget.spending().costUsd).toBeGreaterThanOrEqual(0.0001);
  });
});
