// The LLM process judge: grades the newest step of a trajectory given everything before it, GOOD or BAD, or unknown.
import { DatasetRow } from '../schemas/dataset-row';
import { ProcessJudgment } from '../schemas/judgment';
import { Step } from '../schemas/step';
import { createJudgeCacheKey, JudgeCache, NO_JUDGE_CACHE } from './judge-cache';
import { askJudgeModel, JudgePayment, LlmJudgeOptions, paymentOf, UNPAID } from './ask-judge-model';
import { renderProcessJudgePrompt } from './render-judge-prompt';
import { parseVerdict } from './verdict-parser';

/** The template has {{question}}, {{history}} and {{action}}; after all attempts fail the verdict is `unknown`. */
export type LlmProcessJudgeOptions = LlmJudgeOptions;

export interface ProcessJudgeResult extends JudgePayment {
  judgment: ProcessJudgment;
}

export class LlmProcessJudge {
  private readonly parseRetries: number;
  private readonly cache: JudgeCache;

  constructor(private readonly options: LlmProcessJudgeOptions) {
    this.parseRetries = options.parseRetries ?? 2;
    this.cache = options.cache ?? NO_JUDGE_CACHE;
  }

  get id(): string {
    return this.options.model.id;
  }

  async judgeStep(step: Step, question: DatasetRow): Promise<ProcessJudgeResult> {
    const base = {
      type: 'process' as const,
      stepId: step.id,
      trajectoryId: step.trajectoryId,
      questionId: step.questionId,
      stepIndex: step.stepIndex,
      actionKind: step.parsedAction.type,
      judge: this.options.model.id,
      promptVersion: this.options.promptVersion,
    };
    const cacheKey = createJudgeCacheKey({
      kind: 'process', judgeModel: this.options.model.id, promptVersion: this.options.promptVersion, context: step.context, action: step.action,
    });
    const hit = await this.cache.get(cacheKey);
    if (hit && (hit.verdict === 'GOOD' || hit.verdict === 'BAD')) {
      const judgment: ProcessJudgment = { ...base, verdict: hit.verdict, rationale: hit.rationale, inputTokens: hit.inputTokens, outputTokens: hit.outputTokens };
      return { judgment, ...UNPAID, cached: true };
    }

    const messages = [{ role: 'user' as const, content: renderProcessJudgePrompt(this.options.prompt, step, question.question) }];
    const reply = await askJudgeModel(this.options.model, messages, {
      attempts: this.parseRetries + 1, generateOptions: this.options.generateOptions, parse: parseVerdict, expected: 'a line "Verdict: GOOD" or "Verdict: BAD"',
    });
    const { inputTokens, outputTokens } = reply;
    if (reply.verdict === null) {
      // Unknown is recorded, not cached: a later rerun may get a readable verdict.
      const rationale = `no verdict after ${this.parseRetries + 1} attempts: ${reply.failures.join('; ')}`;
      return { judgment: { ...base, verdict: 'unknown', rationale, inputTokens, outputTokens }, ...paymentOf(reply) };
    }
    const judgment: ProcessJudgment = { ...base, verdict: reply.verdict, rationale: reply.text.trim(), inputTokens, outputTokens };
    await this.cache.put(cacheKey, {
      verdict: reply.verdict, rationale: judgment.rationale, judge: base.judge, promptVersion: base.promptVersion, inputTokens, outputTokens, createdAt: new Date().toISOString(),
    });
    return { judgment, ...paymentOf(reply) };
  }
}
