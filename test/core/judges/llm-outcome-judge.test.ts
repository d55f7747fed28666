// Outcome judging: rules first, the LLM equivalence judge only where the rules find no match.
import { LlmOutcomeJudge, judgeOutcomeByRule, NO_JUDGE_CACHE } from '../../../core/judges';
import { DEFAULT_OUTCOME_JUDGE_PROMPT } from '../../../core/prompts/default-prompts';
import { ScriptedProvider } from '../../../core/providers';
import { makeTrajectory, mathQuestion, qaQuestion } from '../../support/trajectory-fixtures';

const question = qaQuestion('o1', 'Which city hosted the band\'s first show?', 'Tulsa', [], ['Tulsa, Oklahoma']);

function judgeWith(reply: string): { judge: LlmOutcomeJudge; model: ScriptedProvider } {
  const model = new ScriptedProvider({ model: 'equivalence', responses: [reply] });
  return { judge: new LlmOutcomeJudge({ model, prompt: DEFAULT_OUTCOME_JUDGE_PROMPT, promptVersion: 'v1', parseRetries: 1, cache: NO_JUDGE_CACHE }), model };
}

describe('outcome judges', () => {
  it('rule-judges math by numeric equivalence and QA by exact match with F1', () => {
    const math = mathQuestion('o2', 'How much?', '1000');
    expect(judgeOutcomeByRule(makeTrajectory(math, 0, [{ answer: '$1,000.00' }]))).toMatchObject({ correct: true, f1: null, judge: 'rule:outcome', prediction: '$1,000.00', gold: '1000' });
    expect(judgeOutcomeByRule(makeTrajectory(math, 1, [{ calc: '1+1', result: '2' }]))).toMatchObject({ correct: false, prediction: null });
    expect(judgeOutcomeByRule(makeTrajectory(question, 0, [{ answer: 'the city of Tulsa' }]))).toMatchObject({ correct: false, f1: 0.5 });
  });

  it('asks the model only when the rules find no match, and takes its YES', async () => {
    const { judge, model } = judgeWith('YES');
    const exact = await judge.judgeTrajectory(makeTrajectory(question, 0, [{ answer: 'Tulsa' }]));
    expect(model.calls).toBe(0);
    expect(exact.judgment).toMatchObject({ correct: true, judge: 'rule:outcome' });
    const paraphrase = await judge.judgeTrajectory(makeTrajectory(question, 1, [{ answer: 'the city of Tulsa' }]));
    expect(model.calls).toBe(1);
    expect(paraphrase.judgment).toMatchObject({ correct: true, judge: 'scripted:equivalence', f1: 0.5 });
    expect(paraphrase.paidInputTokens).toBeGreaterThan(0);
  });

  it('keeps the rule verdict, and says so, when the model never answers YES or NO', async () => {
    const { judge, model } = judgeWith('It depends on the context.');
    const result = await judge.judgeTrajectory(makeTrajectory(question, 2, [{ answer: 'Oklahoma' }]));
    expect(model.calls).toBe(2);
    expect(result.judgment.correct).toBe(false);
    expect(result.judgment.judge).toContain('fallback');
  });
});
