// Tests that plan drills pair a rendered hop question with its relations innermost first, weighting only that plan.
import { splitOfWord } from '../../../core/tasks/syllable-names';
import { RELATIONS } from '../../../core/tasks/hop/knowledge-base';
import { createPlanDrills } from '../../../containers/trainer/src/pretraining';
import { BYTE_LEVEL_SPECIAL_TOKENS, createTextTokenizer, getChatTemplate } from '../../../containers/trainer/src/tokenizer';
import { createTokenizerConfig, createTokenizerJson, trainBytePairEncoding } from '../../../containers/trainer/src/tokenizer-training';

const template = getChatTemplate('chatml');
const encoding = trainBytePairEncoding([template.renderPrompt([{ role: 'user', content: 'Question: What is the home city of the founder of Kolan Songs?' }])], { vocabularySize: 300, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
const tokenizer = createTextTokenizer(createTokenizerJson(encoding), createTokenizerConfig());
const userPrompt = (question: string): string => `Question: ${question}`;
const options = { seed: 3, count: 30, minimumTokens: 150, maximumTokens: 300 };
const relationNames = RELATIONS.map((relation) => relation.name);

function readTurns(text: string): RegExpMatchArray[] {
  return [...text.matchAll(/<\|im_start\|>user\n(.*?)<\|im_end\|>\n<\|im_start\|>assistant\n(.*?)<\|im_end\|>\n/gs)];
}

describe('createPlanDrills', () => {
  it('is deterministic by seed and sized as asked', () => {
    const drills = createPlanDrills(tokenizer, userPrompt, options);
    expect(drills).toHaveLength(30);
    expect(createPlanDrills(tokenizer, userPrompt, options)).toEqual(drills);
    expect(createPlanDrills(tokenizer, userPrompt, { ...options, seed: 4 })).not.toEqual(drills);
    for (const drill of drills) expect(drill.tokens.length).toBeGreaterThanOrEqual(150);
  });

  it('answers each question with its relations in the reverse of the order it names them, and weights only that answer', () => {
    let turnCount = 0;
    const lengths = new Set<number>();
    for (const drill of createPlanDrills(tokenizer, userPrompt, options)) {
      const text = tokenizer.decode(drill.tokens, false);
      const turns = readTurns(text);
      expect(turns.map((turn) => turn[0]).join('')).toBe(text);
      for (const turn of turns) {
        turnCount += 1;
        const question = turn[1].replace(/^Question: /, '');
        // Relations as the question names them, outermost first: every "the <relation> of".
        const named = [...question.matchAll(/the ([a-z ]+?) of /g)].map((match) => match[1]);
        for (const relation of named) expect(relationNames).toContain(relation);
        expect(new Set(named).size).toBe(named.length);
        lengths.add(named.length);
        expect(turn[2]).toBe(`plan: ${[...named].reverse().join(', ')}.`);
      }
      const taught = tokenizer.decode(drill.tokens.filter((_, index) => drill.weights[index] === 1), false);
      expect(taught).toBe(turns.map((turn) => `${turn[2]}<|im_end|>\n`).join(''));
    }
    expect(turnCount).toBeGreaterThan(40);
    expect([...lengths].sort()).toEqual([2, 3, 4]);
  });

  it('names its start entities from the train half of the name space', () => {
    const text = createPlanDrills(tokenizer, userPrompt, options).map((drill) => tokenizer.decode(drill.tokens, false)).join('');
    const suffixes = new Set(['Question', 'What', 'Name', 'Which', 'Songs', 'Tales', 'Story', 'Records', 'Press', 'Studios']);
    const words = [...text.matchAll(/\b[A-Z][a-z]+\b/g)].map((match) => match[0]).filter((word) => !suffixes.has(word));
    expect(words.length).toBeGreaterThan(100);
    for (const word of words) expect(splitOfWord(word)).toBe('train');
  });
});
