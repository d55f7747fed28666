// The LLM process judge: prompts, verdict parsing, retries, unknown verdicts and the S3 cache.
import { decomposeTrajectory } from '../../../core/decompose';
import { createJudgeCacheKey, createRunJudges, JudgeModel, LlmProcessJudge, NO_JUDGE_CACHE, renderProcessJudgePrompt, S3JudgeCache } from '../../../core/judges';
import { DEFAULT_PROCESS_JUDGE_PROMPT } from '../../../core/prompts/default-prompts';
import { estimateTokens, ScriptedProvider } from '../../../core/providers';
import { Message, RunConfigSchema } from '../../../core/schemas';
import { makeTrajectory, qaQuestion } from '../../support/trajectory-fixtures';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

const question = qaQuestion('hq1', 'In which city did the band behind "Tinted Windows" first perform?', 'Tulsa', ['Tinted Windows (band)']);
const trajectory = makeTrajectory(question, 0, [
  { search: 'Tinted Windows band', result: 'Tinted Windows (band): Tinted Windows played their first show in Tulsa.' },
  { answer: 'Tulsa' },
]);
const [searchStep, answerStep] = decomposeTrajectory(trajectory);

function scripted(reply: string): ScriptedProvider {
  return new ScriptedProvider({ model: 'judge', responses: [reply] });
}

/** Replays replies in call order, so a retry sees the next one. */
class SequenceModel implements JudgeModel {
  readonly id = 'sequence:judge';
  readonly prompts: Message[][] = [];
  constructor(private readonly replies: Array<string | Error>) {}
  async generate(messages: Message[]) {
    this.prompts.push(messages);
    const reply = this.replies[Math.min(this.prompts.length - 1, this.replies.length - 1)];
    if (reply instanceof Error) throw reply;
    return { text: reply, finishReason: 'stop' as const, usage: { inputTokens: 100, outputTokens: 20 } };
  }
}

describe('LlmProcessJudge', () => {
  it('renders the question, earlier steps with results, and only the newest step', async () => {
    const model = new SequenceModel(['The answer is in the retrieved paragraph.\nVerdict: GOOD']);
    const judge = new LlmProcessJudge({ model, prompt: DEFAULT_PROCESS_JUDGE_PROMPT, promptVersion: 'v1' });
    const { judgment } = await judge.judgeStep(answerStep, question);
    const prompt = model.prompts[0][0].content;
    expect(prompt).toContain('Question: In which city did the band behind "Tinted Windows" first perform?');
    expect(prompt).toContain('Step 1: I should look this up.\n<search_query>Tinted Windows band</search_query>\nResult: Tinted Windows band -> Tinted Windows (band)');
    expect(prompt).toContain('Newest step:\n<answer>Tulsa</answer>');
    expect(prompt).not.toContain('{{');
    expect(judgment).toMatchObject({ verdict: 'GOOD', stepId: 'hq1#0@1', actionKind: 'answer', judge: 'sequence:judge', promptVersion: 'v1', inputTokens: 100, outputTokens: 20 });
  });

  it.each([
    ['GOOD', 'The query names the band directly.\nVerdict: GOOD', 'GOOD'],
    ['BAD', 'The query is unrelated to the question.\nVerdict: BAD', 'BAD'],
  ])('records a %s verdict from the scripted provider', async (_name, reply, verdict) => {
    const model = scripted(reply);
    const result = await new LlmProcessJudge({ model, prompt: DEFAULT_PROCESS_JUDGE_PROMPT, promptVersion: 'v1' }).judgeStep(searchStep, question);
    expect(result.judgment.verdict).toBe(verdict);
    expect(result.judgment.rationale).toBe(reply);
    expect(result.judgment.inputTokens).toBeGreaterThan(0);
    expect(model.calls).toBe(1);
  });

  it.each([
    ['malformed', 'This step looks quite good to me.'],
    ['empty', ''],
  ])('retries a %s reply, then records unknown with every attempt\'s tokens', async (_name, reply) => {
    const model = scripted(reply);
    const result = await new LlmProcessJudge({ model, prompt: DEFAULT_PROCESS_JUDGE_PROMPT, promptVersion: 'v1', parseRetries: 2 }).judgeStep(searchStep, question);
    expect(model.calls).toBe(3);
    expect(result.judgment.verdict).toBe('unknown');
    expect(result.judgment.rationale).toContain('no verdict after 3 attempts');
    expect(result.judgment.rationale).toContain(reply === '' ? 'received an empty reply' : 'received "This step looks quite good to me."');
    expect(result.paidOutputTokens).toBe(result.judgment.outputTokens);
    const promptTokens = estimateTokens(renderProcessJudgePrompt(DEFAULT_PROCESS_JUDGE_PROMPT, searchStep, question.question));
    expect(result.judgment.inputTokens).toBe(3 * promptTokens);
  });

  it('uses a retry that brings a readable verdict, and survives a failed call', async () => {
    const model = new SequenceModel([new Error('throttled'), 'hmm', 'Verdict: BAD']);
    const result = await new LlmProcessJudge({ model, prompt: DEFAULT_PROCESS_JUDGE_PROMPT, promptVersion: 'v1', parseRetries: 2 }).judgeStep(searchStep, question);
    expect(result.judgment.verdict).toBe('BAD');
    expect(result.judgment.inputTokens).toBe(200);
    expect(model.prompts).toHaveLength(3);
  });

  describe('with the S3 judge cache', () => {
    const s3 = useEmbeddedObjectStore();

    it('pays once: a second judge with the same model and prompt version reads the verdict back', async () => {
      const cache = new S3JudgeCache(s3.objects);
      const first = scripted('Verdict: GOOD');
      const paid = await new LlmProcessJudge({ model: first, prompt: DEFAULT_PROCESS_JUDGE_PROMPT, promptVersion: 'v1', cache }).judgeStep(searchStep, question);
      expect(paid).toMatchObject({ cached: false, judgment: { verdict: 'GOOD' } });
      expect(paid.paidInputTokens).toBeGreaterThan(0);
      const key = createJudgeCacheKey({ kind: 'process', judgeModel: first.id, promptVersion: 'v1', context: searchStep.context, action: searchStep.action });
      expect(key).toMatch(/^cache\/judge\/[0-9a-f]{2}\/[0-9a-f]{64}\.json$/);
      expect(await s3.objects.exists(key)).toBe(true);

      const second = scripted('Verdict: BAD');
      const again = await new LlmProcessJudge({ model: second, prompt: DEFAULT_PROCESS_JUDGE_PROMPT, promptVersion: 'v1', cache }).judgeStep(searchStep, question);
      expect(second.calls).toBe(0);
      expect(again).toMatchObject({ cached: true, paidInputTokens: 0, paidOutputTokens: 0, judgment: { verdict: 'GOOD', inputTokens: paid.judgment.inputTokens } });

      const bumped = await new LlmProcessJudge({ model: second, prompt: DEFAULT_PROCESS_JUDGE_PROMPT, promptVersion: 'v2', cache }).judgeStep(searchStep, question);
      expect(second.calls).toBe(1);
      expect(bumped.judgment.verdict).toBe('BAD');
    });

    it('does not cache unknown verdicts, so a rerun may still get one', async () => {
      const cache = new S3JudgeCache(s3.objects);
      const model = scripted('no idea');
      await new LlmProcessJudge({ model, prompt: DEFAULT_PROCESS_JUDGE_PROMPT, promptVersion: 'v9', parseRetries: 0, cache }).judgeStep(answerStep, question);
      const key = createJudgeCacheKey({ kind: 'process', judgeModel: model.id, promptVersion: 'v9', context: answerStep.context, action: answerStep.action });
      expect(await s3.objects.exists(key)).toBe(false);
    });
  });
  it.each([[0, 1], [3, 4]])('takes its retry count from the run config (judgeRetries %i → %i calls)', async (judgeRetries, calls) => {
    const model = new SequenceModel(['no verdict here']);
    const config = RunConfigSchema.parse({ runId: 'retries', dataset: { source: 'builtin:hop:train', format: 'hop' }, policy: { provider: 'scripted', model: 'p', responses: ['x'] }, judge: { provider: 'scripted', model: 'j', responses: ['x'] }, judgeRetries });
    const { stepJudge } = createRunJudges(config, { cache: NO_JUDGE_CACHE, model });
    const { judgment } = await stepJudge.judgeStep(searchStep, question);
    expect(judgment.verdict).toBe('unknown');
    expect(model.prompts).toHaveLength(calls);
  });
});
