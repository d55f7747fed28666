// Tests that copy drills are deterministic chat turns whose weighted reply repeats the unweighted question verbatim.
import { splitOfWord } from '../../../../core/tasks/syllable-names';
import { createCopyDrills } from '../../../../local/policy-builder/pretraining';
import { BYTE_LEVEL_SPECIAL_TOKENS, createTextTokenizer, getChatTemplate } from '../../../../containers/trainer/src/tokenizer';
import { createTokenizerConfig, createTokenizerJson, trainBytePairEncoding } from '../../../../local/policy-builder/tokenizer-training';

const template = getChatTemplate('chatml');
const encoding = trainBytePairEncoding([template.renderPrompt([{ role: 'user', content: 'Latron Dregadel, 74, 3.5' }])], { vocabularySize: 300, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
const tokenizer = createTextTokenizer(createTokenizerJson(encoding), createTokenizerConfig());

describe('createCopyDrills', () => {
  const options = { seed: 4, count: 20, minimumTokens: 60, maximumTokens: 120 };

  it('is deterministic by seed and sized as asked', () => {
    const drills = createCopyDrills(tokenizer, options);
    expect(drills).toHaveLength(20);
    expect(createCopyDrills(tokenizer, options)).toEqual(drills);
    expect(createCopyDrills(tokenizer, { ...options, seed: 5 })).not.toEqual(drills);
    for (const drill of drills) {
      expect(drill.tokens.length).toBeGreaterThanOrEqual(60);
      expect(drill.weights).toHaveLength(drill.tokens.length);
    }
  });

  it('weights exactly the replies, and each reply repeats its question turn', () => {
    for (const drill of createCopyDrills(tokenizer, options)) {
      const text = tokenizer.decode(drill.tokens, false);
      const turns = [...text.matchAll(/<\|im_start\|>user\n(.*?)<\|im_end\|>\n<\|im_start\|>assistant\n(.*?)<\|im_end\|>\n/gs)];
      expect(turns.map((turn) => turn[0]).join('')).toBe(text);
      for (const turn of turns) expect(turn[2]).toBe(turn[1]);
      const taught = tokenizer.decode(drill.tokens.filter((_, index) => drill.weights[index] === 1), false);
      expect(taught).toBe(turns.map((turn) => `${turn[2]}<|im_end|>\n`).join(''));
    }
  });

  it('draws names only from the train half of the name space', () => {
    const text = createCopyDrills(tokenizer, { ...options, count: 50 }).map((drill) => tokenizer.decode(drill.tokens, false)).join('');
    const words = [...text.matchAll(/\b[A-Z][a-z]+\b/g)].map((match) => match[0]).filter((word) => word !== 'Latron');
    expect(words.length).toBeGreaterThan(50);
    for (const word of words) expect(splitOfWord(word)).toBe('train');
  });
});
