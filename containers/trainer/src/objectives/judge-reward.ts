// Rewards fresh actions with a process judge (the rule judge or an LLM judge): GOOD → 1, BAD or unknown → 0.
import { createHash } from 'node:crypto';
import { parseAction, ToolLookup } from '../../../../core/agent/parse-action';
import type { StepJudge } from '../../../../core/judges/judge-shard';
import type { Action } from '../../../../core/schemas/action';
import type { DatasetRow } from '../../../../core/schemas/dataset-row';
import type { Step } from '../../../../core/schemas/step';
import type { TrainingRecord } from '../../../../core/schemas/training-record';
import type { StepReward } from './step-reward';

/** The method's built-in tool tags; parsing only needs names, not working tools. */
export const BUILTIN_TOOL_LOOKUP: ToolLookup = {
  tags: () => ['search_query', 'math_exp'],
  findByTag: (tag) => (tag === 'search_query' ? { name: 'search' } : tag === 'math_exp' ? { name: 'calculator' } : undefined),
};

/** The question a record's state was about, rebuilt from the record's reference for the judge. */
export function questionOfRecord(record: TrainingRecord): DatasetRow {
  const firstUser = record.context.find((message) => message.role === 'user');
  return {
    id: record.questionId,
    question: firstUser?.content ?? '',
    answer: record.reference.answer,
    aliases: record.reference.aliases,
    task: record.task,
    source: 'training-record',
    goldCalculations: record.reference.goldValues.map((value) => ({ expression: String(value), value })),
    supportingFacts: record.reference.supportingTitles.map((title) => ({ title, sentence: 0 })),
    answerable: true,
  };
}

export interface JudgeRewardOptions {
  id: string;
  judge: StepJudge;
  /** Runs a fresh tool call so judges that read tool results (QA retrieval rules) can see one; null when absent. */
  runTool?: (action: Extract<Action, { type: 'tool_call' }>, record: TrainingRecord) => Promise<string | null>;
}

export function createJudgeReward(options: JudgeRewardOptions): StepReward {
  return {
    id: options.id,
    async score(record, action) {
      const parsedAction = parseAction(action, BUILTIN_TOOL_LOOKUP);
      const toolResult = parsedAction.type === 'tool_call' && options.runTool ? await options.runTool(parsedAction, record) : null;
      const sample = createHash('sha256').update(action).digest('hex').slice(0, 12);
      const step: Step = {
        id: `${record.id}~${sample}`,
        runId: 'training',
        trajectoryId: record.trajectoryId,
        questionId: record.questionId,
        stepIndex: record.stepIndex,
        context: record.context,
        action,
        parsedAction,
        toolResult,
        isFinal: parsedAction.type === 'answer',
      };
      const { judgment } = await options.judge.judgeStep(step, questionOfRecord(record));
      return judgment.verdict === 'GOOD' ? 1 : 0;
    },
  };
}
