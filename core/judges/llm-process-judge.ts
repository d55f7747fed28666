// The LLM process judge: grades the newest step of a trajectory given everything before it, GOOD or BAD, or unknown.
import { DatasetRow } from '../schemas/dataset-row';
import { ProcessJudgment } from '../schemas/judgment';
import { Step } from '../schemas/step';
import { createJudgeCacheKey, JudgeCache, NO_JUDGE_CACHE } from './judge-cache';
import { JudgeGenerateOptions, JudgeModel } from './judge-model';
import { renderProcessJudgePrompt } from './render-judge-prompt';
import { parseVerdict } from './verdict-parser';

export interface LlmProcessJudgeOptions {
  model: JudgeModel;
  /** Prompt template with {{question}}, {{history}} and {{action}}. */
  prompt: string;
  promptVersion: string;
  /** Extra attempts after an unparseable reply or a model error before recording `unknown`. Default 2. */
  parseRetries?: number;
  generateOptions?: JudgeGenerateOptions;
  cache?: JudgeCache;
}

export interface ProcessJudgeResult {
  judgment: ProcessJudgment;
  /** True when the verdict came from the cache and nothing was paid now. */
  cached: boolean;
  /** Tokens spent by this call (0 on a cache hit). */
  paidInputTokens: number;
  paidOutputTokens: number;
  paidCostUsd: number;
}

function describeReply(text: string): string {
  if (text.trim() === '') return 'an empty reply';
  const flat = text.trim().replace(/\s+/g, ' ');
  return `"${flat.length > 120 ? `${flat.slice(0, 117)}...` : flat}"`;
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
      return { judgment, cached: true, paidInputTokens: 0, paidOutputTokens: 0, paidCostUsd: 0 };
    }

    const messages = [{ role: 'user' as const, content: renderProcessJudgePrompt(this.options.prompt, step, question.question) }];
    let inputTokens = 0;
    let outputTokens = 0;
    let costUsd = 0;
    const failures: string[] = [];
    for (let attempt = 0; attempt <= this.parseRetries; attempt += 1) {
      let text: string;
      try {
        const result = await this.options.model.generate(messages, this.options.generateOptions);
        inputTokens += result.usage.inputTokens;
        outputTokens += result.usage.outputTokens;
        costUsd += result.costUsd ?? 0;
        if (result.finishReason === 'error') {
          failures.push(`attempt ${attempt + 1}: model error (${describeReply(result.text)})`);
          continue;
        }
        text = result.text;
      } catch (error) {
        failures.push(`attempt ${attempt + 1}: model error (${(error as Error).message})`);
        continue;
      }
      const verdict = parseVerdict(text);
      if (verdict === null) {
        failures.push(`attempt ${attempt + 1}: expected a line "Verdict: GOOD" or "Verdict: BAD", received ${describeReply(text)}`);
        continue;
      }
      const judgment: ProcessJudgment = { ...base, verdict, rationale: text.trim(), inputTokens, outputTokens };
      await this.cache.put(cacheKey, {
        verdict, rationale: judgment.rationale, judge: base.judge, promptVersion: base.promptVersion, inputTokens, outputTokens, createdAt: new Date().toISOString(),
      });
      return { judgment, cached: false, paidInputTokens: inputTokens, paidOutputTokens: outputTokens, paidCostUsd: costUsd };
    }
    // Unknown is recorded, not cached: a later rerun may get a readable verdict.
    const judgment: ProcessJudgment = { ...base, verdict: 'unknown', rationale: `no verdict after ${this.parseRetries + 1} attempts: ${failures.join('; ')}`, inputTokens, outputTokens };
    return { judgment, cached: false, paidInputTokens: inputTokens, paidOutputTokens: outputTokens, paidCostUsd: costUsd };
  }
}
