// Tests that opening drills pair a rendered hop question with an episode's first reply in the demonstrations' format, weighting only that reply.
import { splitOfWord } from '../../../../core/tasks/syllable-names';
import { RELATIONS } from '../../../../core/tasks/hop/knowledge-base';
import { createOpeningDrills } from '../../../../local/policy-builder/pretraining';
import { BYTE_LEVEL_SPECIAL_TOKENS, createTextTokenizer, getChatTemplate } from '../../../../containers/trainer/src/tokenizer';
import { createTokenizerConfig, createTokenizerJson, trainBytePairEncoding } from '../../../../local/policy-builder/tokenizer-training';

const template = getChatTemplate('chatml');
const encoding = trainBytePairEncoding([template.renderPrompt([{ role: 'user', content: 'Question: What is the home city of the founder of Kolan Songs?' }])], { vocabularySize: 300, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
const tokenizer = createTextTokenizer(createTokenizerJson(encoding), createTokenizerConfig());
const userPrompt = (question: string): string => `Question: ${question}`;
const options = { seed: 3, count: 30, minimumTokens: 150, maximumTokens: 300 };
const planned = { planNotes: true };
const relationNames = RELATIONS.map((relation) => relation.name);

function readTurns(text: string): RegExpMatchArray[] {
  return [...text.matchAll(/<\|im_start\|>user\n(.*?)<\|im_end\|>\n<\|im_start\|>assistant\n(.*?)<\|im_end\|>\n/gs)];
}

describe('createOpeningDrills', () => {
  it('is deterministic by seed and sized as asked', () => {
    const drills = createOpeningDrills(tokenizer, userPrompt, options, planned);
    expect(drills).toHaveLength(30);
    expect(createOpeningDrills(tokenizer, userPrompt, options, planned)).toEqual(drills);
    expect(createOpeningDrills(tokenizer, userPrompt, { ...options, seed: 4 }, planned)).not.toEqual(drills);
    for (const drill of drills) expect(drill.tokens.length).toBeGreaterThanOrEqual(150);
  });

  it('with plan notes, answers each question with its relations in the reverse of the order it names them and the search for its entity, and weights only that answer', () => {
    let turnCount = 0;
    const lengths = new Set<number>();
    for (const drill of createOpeningDrills(tokenizer, userPrompt, options, planned)) {
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
        const entity = question.slice(question.lastIndexOf(' of ') + 4, -1);
        expect(turn[2]).toBe(`plan: ${[...named].reverse().join(', ')}. <search_query>${entity}</search_query>`);
      }
      const taught = tokenizer.decode(drill.tokens.filter((_, index) => drill.weights[index] === 1), false);
      expect(taught).toBe(turns.map((turn) => `${turn[2]}<|im_end|>\n`).join(''));
    }
    expect(turnCount).toBeGreaterThan(40);
    expect([...lengths].sort()).toEqual([2, 3, 4]);
  });

  /** Every opening of drills in `queryStyle` is the search `queryOf` writes for its question. */
  function expectOpeningSearches(queryStyle: 'subquestion' | 'keywords', queryOf: (question: string) => string): void {
    let turnCount = 0;
    for (const drill of createOpeningDrills(tokenizer, userPrompt, options, { queryStyle })) {
      for (const turn of readTurns(tokenizer.decode(drill.tokens, false))) {
        turnCount += 1;
        expect(turn[2]).toBe(`<search_query>${queryOf(turn[1].replace(/^Question: /, ''))}</search_query>`);
      }
    }
    expect(turnCount).toBeGreaterThan(20);
  }

  it('with sub-question queries, answers each question with a search for the chain it names, copied as named', () => {
    expectOpeningSearches('subquestion', (question) => question.slice(question.indexOf('the '), -1));
  });

  it('with keyword queries, answers each question with a search for its entity, then its relations innermost first', () => {
    expectOpeningSearches('keywords', (question) => {
      const named = [...question.matchAll(/the ([a-z ]+?) of /g)].map((match) => match[1]);
      const entity = question.slice(question.lastIndexOf(' of ') + 4, -1);
      return [entity, ...named.reverse()].join(' ');
    });
  });

  it('names its start entities from the train half of the name space', () => {
    const text = createOpeningDrills(tokenizer, userPrompt, options, planned).map((drill) => tokenizer.decode(drill.tokens, false)).join('');
    const suffixes = new Set(['Question', 'What', 'Name', 'Which', 'Songs', 'Tales', 'Story', 'Records', 'Press', 'Studios']);
    const words = [...text.matchAll(/\b[A-Z][a-z]+\b/g)].map((match) => match[0]).filter((word) => !suffixes.has(word));
    expect(words.length).toBeGreaterThan(100);
    for (const word of words) expect(splitOfWord(word)).toBe('train');
  });
});
