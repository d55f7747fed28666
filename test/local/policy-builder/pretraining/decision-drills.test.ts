// Tests that decision drills cut hop states from demonstrations and weight only the relation each state's note chose.
import { buildConversation } from '../../../../core/decompose/decompose-trajectory';
import type { Message } from '../../../../core/schemas/message';
import { generateDemonstrations } from '../../../../core/tasks/demonstrations';
import { generateTaskDataset } from '../../../../core/tasks/generate-task-dataset';
import { RELATIONS } from '../../../../core/tasks/hop/knowledge-base';
import { createDecisionDrills, listDecisionStates, readDecision, TINY_POLICY_PROMPTS } from '../../../../local/policy-builder/pretraining';
import { BYTE_LEVEL_SPECIAL_TOKENS, createTextTokenizer, getChatTemplate } from '../../../../containers/trainer/src/tokenizer';
import { createTokenizerConfig, createTokenizerJson, trainBytePairEncoding } from '../../../../local/policy-builder/tokenizer-training';

const relationNames: string[] = RELATIONS.map((relation) => relation.name);

async function loadConversations(): Promise<{ conversations: Message[][]; questions: string[] }> {
  const { rows, corpus } = generateTaskDataset('hop', 'train', { count: 40, seed: 5 });
  const demonstrations = await generateDemonstrations(rows, corpus, { seed: 5, mistakeRate: 0.3, blindSpots: 1, blindSpotRate: 0.7, prompts: TINY_POLICY_PROMPTS });
  return { conversations: demonstrations.map((item) => buildConversation(item.trajectory)), questions: rows.map((row) => row.question) };
}

const template = getChatTemplate('chatml');

describe('readDecision', () => {
  it('reads the note label before the action, the last colon ahead of it for a chained label', () => {
    expect(readDecision('employer: Pakil Records. <search_query>Pakil Records</search_query>')).toBe('employer');
    expect(readDecision('home city: Tarvo. <answer>Tarvo</answer>')).toBe('home city');
    expect(readDecision('plan: publisher: Mirel Records. <search_query>Mirel Records</search_query>')).toBe('plan: publisher');
    expect(readDecision('<search_query>Kolan Songs</search_query>')).toBeNull();
    expect(readDecision('no label here. <answer>x</answer>')).toBeNull();
  });
});

describe('listDecisionStates and createDecisionDrills', () => {
  let conversations: Message[][];
  let questions: string[];
  let tokenizer: ReturnType<typeof createTextTokenizer>;
  beforeAll(async () => {
    ({ conversations, questions } = await loadConversations());
    const encoding = trainBytePairEncoding(conversations.map((messages) => template.renderPrompt(messages)), { vocabularySize: 400, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
    tokenizer = createTextTokenizer(createTokenizerJson(encoding), createTokenizerConfig());
  });

  it('takes one state per reply after a tool result, without the system turn, labelled with the relation the demonstration chose', () => {
    const states = listDecisionStates(tokenizer, conversations);
    const expected = conversations.flatMap((messages) => messages.slice(3).filter((message) => message.role === 'assistant').map((message) => readDecision(message.content)));
    expect(states.map((state) => state.decision)).toEqual(expected.filter((decision) => decision !== null));
    for (const state of states) {
      expect(relationNames).toContain(state.decision);
      expect(state.prompt).not.toContain('<|im_start|>system');
      expect(state.prompt.startsWith('<|im_start|>user\nQuestion: ')).toBe(true);
      expect(state.prompt.endsWith('<|im_end|>\n<|im_start|>assistant\n')).toBe(true);
      // A state always follows at least one search result.
      expect(state.prompt).toContain(' -> ');
    }
    // Drills keep the demonstrations' mistakes: some chosen relation is not one the question names.
    const wrong = states.filter((state) => !questions.some((question) => state.prompt.includes(question) && question.includes(`the ${state.decision} of`)));
    expect(wrong.length).toBeGreaterThan(0);
  });

  it('packs states up to the length asked, deterministic by seed, weighting only the decisions', () => {
    const states = listDecisionStates(tokenizer, conversations);
    const options = { seed: 2, count: 12, minimumTokens: 200, maximumTokens: 500 };
    const drills = createDecisionDrills(tokenizer, states, options);
    expect(drills).toHaveLength(12);
    expect(createDecisionDrills(tokenizer, states, options)).toEqual(drills);
    expect(createDecisionDrills(tokenizer, states, { ...options, seed: 3 })).not.toEqual(drills);
    for (const drill of drills) {
      expect(drill.tokens.length).toBeLessThanOrEqual(500);
      expect(drill.weights).toHaveLength(drill.tokens.length);
      const text = tokenizer.decode(drill.tokens, false);
      // Each weighted run is one decision, right after an assistant opener; everything else is unweighted context.
      const weighted: string[] = [];
      drill.weights.forEach((weight, index) => {
        if (weight === 0) return;
        if (index === 0 || drill.weights[index - 1] === 0) weighted.push('');
        weighted[weighted.length - 1] += tokenizer.decode([drill.tokens[index]], false);
      });
      const decisions = [...text.matchAll(/<\|im_start\|>assistant\n([a-z ]+)<\|im_start\|>user/g), ...text.matchAll(/<\|im_start\|>assistant\n([a-z ]+)$/g)].map((match) => match[1]);
      expect(weighted.sort()).toEqual(decisions.sort());
      expect(weighted.length).toBeGreaterThan(0);
    }
  });

  it('returns nothing for count 0 and says why when no state fits the length', () => {
    const states = listDecisionStates(tokenizer, conversations);
    expect(createDecisionDrills(tokenizer, states, { seed: 1, count: 0, minimumTokens: 10, maximumTokens: 20 })).toEqual([]);
    expect(() => createDecisionDrills(tokenizer, states, { seed: 1, count: 1, minimumTokens: 10, maximumTokens: 20 })).toThrow(/at most 20 tokens/);
  });
});
