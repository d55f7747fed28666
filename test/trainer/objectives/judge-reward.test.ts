import { RULE_STEP_JUDGE } from '../../../core/judges/judge-shard';
import type { TrainingRecord } from '../../../core/schemas/training-record';
import { Bm25Index } from '../../../core/tools/bm25-index';
import { createCalculatorTool } from '../../../core/tools/calculator';
import { createSearchTool } from '../../../core/tools/search-tool';
import { ToolRegistry } from '../../../core/tools/tool-registry';
import { createJudgeReward, questionOfRecord } from '../../../containers/trainer/src/objectives/judge-reward';
import { BatchedRewardScorer, StepReward } from '../../../containers/trainer/src/objectives/step-reward';

const mathRecord: TrainingRecord = {
  id: 't1@0', questionId: 'q1', trajectoryId: 't1', stepIndex: 0, task: 'math',
  context: [{ role: 'user', content: 'Ann has 12 apples and buys 30 more. How many apples does she have?' }],
  action: '<math_exp>12+30</math_exp>', reward: 1, behaviourLogProb: null,
  reference: { answer: '42', aliases: [], goldValues: [42], supportingTitles: [], supportingSentences: [] },
};

const qaRecord: TrainingRecord = {
  id: 't2@0', questionId: 'q2', trajectoryId: 't2', stepIndex: 0, task: 'qa',
  context: [{ role: 'user', content: 'Which river flows through the capital of Lorvania?' }],
  action: '<search_query>capital of Lorvania</search_query>', reward: 1, behaviourLogProb: null,
  reference: { answer: 'Vell', aliases: [], goldValues: [], supportingTitles: ['Lorvania'], supportingSentences: [] },
};

describe('judge rewards for fresh actions', () => {
  it('scores math steps with the rule judge: GOOD → 1, BAD or invalid → 0', async () => {
    const reward = createJudgeReward({ id: 'rule', judge: RULE_STEP_JUDGE });
    expect(await reward.score(mathRecord, '<math_exp>12+30</math_exp>')).toBe(1);
    expect(await reward.score(mathRecord, '<answer>42</answer>')).toBe(1);
    expect(await reward.score(mathRecord, '<math_exp>7*913</math_exp>')).toBe(0);
    expect(await reward.score(mathRecord, 'I think it is many')).toBe(0);
  });

  it('runs a fresh search so the QA retrieval rule can judge it', async () => {
    const index = Bm25Index.build([
      { id: 'd1', title: 'Lorvania', text: 'Lorvania is a country whose capital is Ostra.' },
      { id: 'd2', title: 'Baking', text: 'Bread needs flour, water and yeast.' },
    ], { key: 'corpus.jsonl', etag: null });
    const tools = new ToolRegistry([createSearchTool(index), createCalculatorTool()]);
    const reward = createJudgeReward({ id: 'rule', judge: RULE_STEP_JUDGE, tools });
    expect(await reward.score(qaRecord, '<search_query>capital of Lorvania</search_query>')).toBe(1);
    expect(await reward.score(qaRecord, '<search_query>bread flour yeast</search_query>')).toBe(0);
  });

  it('gives the judge the supporting sentences a record carries, so an answer from the page\'s other fact scores 0', async () => {
    const answerRecord: TrainingRecord = {
      ...qaRecord,
      id: 't3@1',
      stepIndex: 1,
      context: [
        ...qaRecord.context,
        { role: 'assistant', content: '<search_query>Lorvania</search_query>' },
        { role: 'user', content: 'Lorvania -> Lorvania: Its capital is Ostra. Lorvania lies on the Vell.' },
      ],
      reference: { ...qaRecord.reference, supportingSentences: [{ title: 'Lorvania', text: 'Lorvania lies on the Vell.' }] },
    };
    const reward = createJudgeReward({ id: 'rule', judge: RULE_STEP_JUDGE });
    expect(questionOfRecord(answerRecord).supportingFacts).toEqual([{ title: 'Lorvania', sentence: 0, text: 'Lorvania lies on the Vell.' }]);
    expect(await reward.score(answerRecord, '<answer>Vell</answer>')).toBe(1);
    expect(await reward.score(answerRecord, '<answer>Ostra</answer>')).toBe(0);
    const withoutSentences = { ...answerRecord, id: 't4@1', reference: qaRecord.reference };
    expect(await reward.score(withoutSentences, '<answer>Ostra</answer>')).toBe(1);
  });

  it('scores concurrently, calls once per distinct (state, action), and retries a failed call', async () => {
    let active = 0;
    let peak = 0;
    let calls = 0;
    let failNext = true;
    const slow: StepReward = {
      id: 'slow',
      async score(_, action) {
        calls += 1;
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 5));
        active -= 1;
        if (action === 'flaky' && failNext) {
          failNext = false;
          throw new Error('judge unavailable');
        }
        return action.length / 10;
      },
    };
    const scorer = new BatchedRewardScorer(slow, 3);
    const requests = ['a', 'bb', 'a', 'ccc', 'bb', 'dddd'].map((action) => ({ record: mathRecord, action }));
    expect(await scorer.scoreAll(requests)).toEqual([0.1, 0.2, 0.1, 0.3, 0.2, 0.4]);
    expect(calls).toBe(4);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
    await expect(scorer.scoreAll([{ record: mathRecord, action: 'flaky' }])).rejects.toThrow('judge unavailable');
    expect(await scorer.scoreAll([{ record: mathRecord, action: 'flaky' }])).toEqual([0.5]);
  });
});
