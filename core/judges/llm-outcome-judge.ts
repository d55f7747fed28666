// The optional LLM equivalence judge for free-form answers: asks YES/NO only where the rules say "no match".
import { renderTemplate } from '../prompts/default-prompts';
import { OutcomeJudgment } from '../schemas/judgment';
import { Trajectory } from '../schemas/trajectory';
import { askJudgeModel, JudgePayment, LlmJudgeOptions, paymentOf, UNPAID } from './ask-judge-model';
import { createJudgeCacheKey, JudgeCache, NO_JUDGE_CACHE } from './judge-cache';
import { judgeOutcomeByRule } from './outcome-judge';
import { parseYesNo } from './verdict-parser';

/** The template has {{question}}, {{gold}} and {{prediction}}. */
export type LlmOutcomeJudgeOptions = LlmJudgeOptions;

export interface OutcomeJudgeResult extends JudgePayment {
  judgment: OutcomeJudgment;
}

export class LlmOutcomeJudge {
  private readonly cache: JudgeCache;

  constructor(private readonly options: LlmOutcomeJudgeOptions) {
    this.cache = options.cache ?? NO_JUDGE_CACHE;
  }

  /**
   * A rule match is final (no call needed); a missing answer is incorrect. Otherwise the model decides;
   * when it never gives a readable YES/NO the rule verdict stands and the judgment says so.
   */
  async judgeTrajectory(trajectory: Trajectory): Promise<OutcomeJudgeResult> {
    const rule = judgeOutcomeByRule(trajectory);
    if (rule.correct || trajectory.finalAnswer === null) return { judgment: rule, ...UNPAID };
    const { model, promptVersion } = this.options;
    const accepted = [trajectory.question.answer, ...trajectory.question.aliases].join(' | ');
    const prompt = renderTemplate(this.options.prompt, { question: trajectory.question.question, gold: accepted, prediction: trajectory.finalAnswer });
    const cacheKey = createJudgeCacheKey({ kind: 'outcome', judgeModel: model.id, promptVersion, context: prompt, action: trajectory.finalAnswer });
    const judged = (correct: boolean): OutcomeJudgment => ({ ...rule, correct, judge: model.id });
    const hit = await this.cache.get(cacheKey);
    if (hit && (hit.verdict === 'YES' || hit.verdict === 'NO')) {
      return { judgment: judged(hit.verdict === 'YES'), ...UNPAID, cached: true };
    }
    const reply = await askJudgeModel(model, [{ role: 'user', content: prompt }], {
      attempts: (this.options.parseRetries ?? 2) + 1, generateOptions: this.options.generateOptions, parse: parseYesNo, expected: 'YES or NO',
    });
    if (reply.verdict === null) {
      return { judgment: { ...rule, judge: `${rule.judge} (fallback: ${model.id} gave no YES/NO)` }, ...paymentOf(reply) };
    }
    await this.cache.put(cacheKey, {
      verdict: reply.verdict ? 'YES' : 'NO', rationale: reply.text.trim(), judge: model.id, promptVersion,
      inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, createdAt: new Date().toISOString(),
    });
    return { judgment: judged(reply.verdict), ...paymentOf(reply) };
  }
}
