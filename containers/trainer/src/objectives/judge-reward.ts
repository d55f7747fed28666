// Rewards fresh actions with a process judge (the rule judge or an LLM judge): GOOD → 1, BAD or unknown → 0.
import { createHash } from 'node:crypto';
import { parseAction, ToolLookup } from '../../../../core/agent/parse-action';
import type { StepJudge } from '../../../../core/judges/judge-shard';
import type { DatasetRow } from '../../../../core/schemas/dataset-row';
import type { Step } from '../../../../core/schemas/step';
import type { TrainingRecord } from '../../../../core/schemas/training-record';
import { executeTool } from '../../../../core/tools/tool';
import type { ToolRegistry } from '../../../../core/tools/tool-registry';
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
    // The sentence index only matters to readers of the original document; the judge reads titles and text.
    supportingFacts: record.reference.supportingSentences.length > 0
      ? record.reference.supportingSentences.map(({ title, text }) => ({ title, sentence: 0, text }))
      : record.reference.supportingTitles.map((title) => ({ title, sentence: 0 })),
    answerable: true,
  };
}

export interface JudgeRewardOptions {
  id: string;
  judge: StepJudge;
  /**
   * The run's tools: actions are parsed against them, and a fresh tool call is executed so judges that read
   * tool results (the QA retrieval rules) see one. Without them, only the built-in tags parse and no tool runs.
   */
  tools?: ToolRegistry;
}

export function createJudgeReward(options: JudgeRewardOptions): StepReward {
  return {
    id: options.id,
    async score(record, action) {
      const parsedAction = parseAction(action, options.tools ?? BUILTIN_TOOL_LOOKUP);
      const tool = parsedAction.type === 'tool_call' ? options.tools?.findByName(parsedAction.tool) : undefined;
      const toolResult = tool && parsedAction.type === 'tool_call' ? (await executeTool(tool, parsedAction.input)).result : null;
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
