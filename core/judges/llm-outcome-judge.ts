// The optional LLM equivalence judge for free-form answers: asks YES/NO only where the rules say "no match".
import { renderTemplate } from '../prompts/default-prompts';
import { OutcomeJudgment } from '../schemas/judgment';
import { Trajectory } from '../schemas/trajectory';
import { createJudgeCacheKey, JudgeCache, NO_JUDGE_CACHE } from './judge-cache';
import { JudgeGenerateOptions, JudgeModel } from './judge-model';
import { judgeOutcomeByRule } from './outcome-judge';
import { parseYesNo } from './verdict-parser';

export interface LlmOutcomeJudgeOptions {
  model: JudgeModel;
  /** Template with {{question}}, {{gold}} and {{prediction}}. */
  prompt: string;
  promptVersion: string;
  parseRetries?: number;
  generateOptions?: JudgeGenerateOptions;
  cache?: JudgeCache;
}

export interface OutcomeJudgeResult {
  judgment: OutcomeJudgment;
  cached: boolean;
  paidInputTokens: number;
  paidOutputTokens: number;
  paidCostUsd: number;
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
    if (rule.correct || trajectory.finalAnswer === null) return { judgment: rule, cached: false, paidInputTokens: 0, paidOutputTokens: 0, paidCostUsd: 0 };
    const { model, promptVersion } = this.options;
    const accepted = [trajectory.question.answer, ...trajectory.question.aliases].join(' | ');
    const prompt = renderTemplate(this.options.prompt, { question: trajectory.question.question, gold: accepted, prediction: trajectory.finalAnswer });
    const cacheKey = createJudgeCacheKey({ kind: 'outcome', judgeModel: model.id, promptVersion, context: prompt, action: trajectory.finalAnswer });
    const judged = (correct: boolean): OutcomeJudgment => ({ ...rule, correct, judge: model.id });
    const hit = await this.cache.get(cacheKey);
    if (hit && (hit.verdict === 'YES' || hit.verdict === 'NO')) {
      return { judgment: judged(hit.verdict === 'YES'), cached: true, paidInputTokens: 0, paidOutputTokens: 0, paidCostUsd: 0 };
    }
    let inputTokens = 0;
    let outputTokens = 0;
    let costUsd = 0;
    const attempts = (this.options.parseRetries ?? 2) + 1;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      let text: string;
      try {
        const result = await model.generate([{ role: 'user', content: prompt }], this.options.generateOptions);
        inputTokens += result.usage.inputTokens;
        outputTokens += result.usage.outputTokens;
        costUsd += result.costUsd ?? 0;
        if (result.finishReason === 'error') continue;
        text = result.text;
      } catch {
        continue;
      }
      const equivalent = parseYesNo(text);
      if (equivalent === null) continue;
      await this.cache.put(cacheKey, {
        verdict: equivalent ? 'YES' : 'NO', rationale: text.trim(), judge: model.id, promptVersion, inputTokens, outputTokens, createdAt: new Date().toISOString(),
      });
      return { judgment: judged(equivalent), cached: false, paidInputTokens: inputTokens, paidOutputTokens: outputTokens, paidCostUsd: costUsd };
    }
    return { judgment: { ...rule, judge: `${rule.judge} (fallback: ${model.id} gave no YES/NO)` }, cached: false, paidInputTokens: inputTokens, paidOutputTokens: outputTokens, paidCostUsd: costUsd };
  }
}
