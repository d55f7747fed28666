// Tests that continuation drills pair a hop tool turn over a random chain with the reply that carries the chain on.
import { RELATIONS } from '../../../../core/tasks/hop/knowledge-base';
import { splitIntoSentences } from '../../../../core/tools/rank-sentences';
import { createContinuationDrills } from '../../../../local/policy-builder/pretraining';
import { BYTE_LEVEL_SPECIAL_TOKENS, createTextTokenizer, getChatTemplate } from '../../../../containers/trainer/src/tokenizer';
import { createTokenizerConfig, createTokenizerJson, trainBytePairEncoding } from '../../../../local/policy-builder/tokenizer-training';

const template = getChatTemplate('chatml');
const encoding = trainBytePairEncoding([template.renderPrompt([{ role: 'user', content: 'Kolan Songs creator birthplace -> Kolan Songs: Kolan Songs creator: Dora Velkin.' }])], { vocabularySize: 300, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
const tokenizer = createTextTokenizer(createTokenizerJson(encoding), createTokenizerConfig());
const options = { seed: 3, count: 30, minimumTokens: 150, maximumTokens: 300 };
const relationNames = RELATIONS.map((relation) => relation.name);
const relationPattern = relationNames.join('|');

function readTurns(text: string): RegExpMatchArray[] {
  return [...text.matchAll(/<\|im_start\|>user\n(.*?)<\|im_end\|>\n<\|im_start\|>assistant\n(.*?)<\|im_end\|>\n/gs)];
}

describe('createContinuationDrills', () => {
  it('is deterministic by seed, and weights only the replies', () => {
    const drills = createContinuationDrills(tokenizer, options, { queryStyle: 'keywords' });
    expect(drills).toHaveLength(30);
    expect(createContinuationDrills(tokenizer, options, { queryStyle: 'keywords' })).toEqual(drills);
    expect(createContinuationDrills(tokenizer, { ...options, seed: 4 }, { queryStyle: 'keywords' })).not.toEqual(drills);
    for (const drill of drills) {
      const turns = readTurns(tokenizer.decode(drill.tokens, false));
      const taught = tokenizer.decode(drill.tokens.filter((_, index) => drill.weights[index] === 1), false);
      expect(taught).toBe(turns.map((turn) => `${turn[2]}<|im_end|>\n`).join(''));
    }
  });

  it('with keyword queries, notes the fact the page opens with and searches its target with the same relations, or answers after the last', () => {
    let searches = 0;
    let answers = 0;
    for (const drill of createContinuationDrills(tokenizer, options, { queryStyle: 'keywords' }, ['employer'])) {
      for (const [, toolTurn, reply] of readTurns(tokenizer.decode(drill.tokens, false))) {
        const [query, result] = toolTurn.split(' -> ');
        const entity = result.slice(0, result.indexOf(': '));
        const relations = query.slice(entity.length + 1).match(new RegExp(relationPattern, 'g'))!;
        expect(query).toBe([entity, ...relations].join(' '));
        const first = splitIntoSentences(result.slice(entity.length + 2))[0];
        const followed = relations.filter((relation) => first.startsWith(`${entity} ${relation}: `));
        expect(followed).toHaveLength(1);
        const [relation] = followed;
        const target = first.slice(`${entity} ${relation}: `.length, -1);
        expect(relation).not.toBe('employer');
        if (relation === relations[relations.length - 1]) {
          answers += 1;
          expect(reply).toBe(`${relation}: ${target}. <answer>${target}</answer>`);
        } else {
          searches += 1;
          expect(reply).toBe(`${relation}: ${target}. <search_query>${[target, ...relations].join(' ')}</search_query>`);
        }
      }
    }
    expect(searches).toBeGreaterThan(10);
    expect(answers).toBeGreaterThan(5);
  });
});
