// Tests of byte-level BPE training: tokenizer.json loads in @huggingface/tokenizers, round-trips any text, and compresses the demonstrations.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Tokenizer } from '@huggingface/tokenizers';
import { buildConversation } from '../../../../core/decompose/decompose-trajectory';
import { generateTaskDataset } from '../../../../core/tasks';
import { generateDemonstrations } from '../../../../core/tasks/demonstrations';
import { BYTE_LEVEL_SPECIAL_TOKENS, createTextTokenizer, getChatTemplate } from '../../../../containers/trainer/src/tokenizer';
import {
  countWords,
  createTokenizerConfig,
  createTokenizerJson,
  preTokenize,
  toByteSymbols,
  trainBytePairEncoding,
  writeTokenizerFiles,
  type BytePairEncoding,
} from '../../../../local/policy-builder/tokenizer-training';

async function demonstrationTexts(split: 'train' | 'test', seed: number): Promise<string[]> {
  const texts: string[] = [];
  for (const family of ['hop', 'arith'] as const) {
    const { rows, corpus } = generateTaskDataset(family, split, { count: 60, seed });
    for (const demonstration of await generateDemonstrations(rows, corpus, { seed, mistakeRate: 0.3 })) {
      texts.push(getChatTemplate('chatml').renderPrompt(buildConversation(demonstration.trajectory)));
    }
  }
  return texts;
}

describe('trainBytePairEncoding', () => {
  let texts: string[];
  let encoding: BytePairEncoding;
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    texts = await demonstrationTexts('train', 1);
    encoding = trainBytePairEncoding(texts, { vocabularySize: 700, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
    tokenizer = new Tokenizer(createTokenizerJson(encoding), createTokenizerConfig());
  });

  it('reaches the requested vocabulary with bytes, special tokens and merges, deterministically', () => {
    expect(encoding.vocabulary.size).toBe(700);
    expect(encoding.merges).toHaveLength(700 - 256 - BYTE_LEVEL_SPECIAL_TOKENS.length);
    expect(new Set(encoding.vocabulary.values()).size).toBe(700);
    expect(Math.max(...encoding.vocabulary.values())).toBe(699);
    const again = trainBytePairEncoding(texts, { vocabularySize: 700, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS });
    expect(again.merges).toEqual(encoding.merges);
  });

  it('loads in @huggingface/tokenizers and round-trips the training texts', () => {
    for (const text of texts.slice(0, 40)) {
      const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
      expect(ids.every((id) => id >= 0 && id < 700)).toBe(true);
      expect(tokenizer.decode(ids, { skip_special_tokens: false })).toBe(text);
    }
  });

  it('round-trips arbitrary Unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), (text) => {
        const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
        expect(tokenizer.decode(ids, { skip_special_tokens: false })).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps chat markers whole and learns the protocol words as single tokens', () => {
    const ids = tokenizer.encode('<|im_start|>assistant\n<search_query>Mirel Records</search_query><|im_end|>', { add_special_tokens: false }).ids;
    expect(ids[0]).toBe(257);
    expect(ids[ids.length - 1]).toBe(258);
    for (const word of ['steps', 'search_query', 'answer']) expect(encoding.vocabulary.has(word)).toBe(true);
  });

  // Spaces and digits are tokens of their own, which costs compression: about 0.37 tokens per byte at this vocabulary.
  it('compresses held-out demonstrations to under 0.4 tokens per byte', async () => {
    const heldOut = await demonstrationTexts('test', 2);
    const bytes = heldOut.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    const tokens = heldOut.reduce((sum, text) => sum + tokenizer.encode(text, { add_special_tokens: false }).ids.length, 0);
    expect(tokens / bytes).toBeLessThan(0.4);
  });

  it('writes files the trainer loads with its ChatML template and stop tokens', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'swirl-tokenizer-'));
    try {
      await writeTokenizerFiles(directory, encoding);
      const json = JSON.parse(await readFile(path.join(directory, 'tokenizer.json'), 'utf8')) as object;
      const config = JSON.parse(await readFile(path.join(directory, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
      const loaded = createTextTokenizer(json, config);
      expect(loaded.template.name).toBe('chatml');
      expect(loaded.vocabularySize).toBe(700);
      expect([...loaded.stopTokenIds].sort()).toEqual([256, 258]);
      const prompt = loaded.template.renderPrompt([{ role: 'user', content: 'Question: What is 2+3?' }]);
      expect(loaded.decode(loaded.encode(prompt))).toBe(prompt);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('counts words the way the written pre-tokenizer splits them, never across special tokens', () => {
    const counts = countWords(['<|im_start|>user\nHi there, 42 apples!<|im_end|>'], BYTE_LEVEL_SPECIAL_TOKENS);
    expect([...counts.entries()]).toEqual([
      ['user', 1], ['\n', 1], ['Hi', 1], [' ', 3], ['there', 1], [',', 1], ['4', 1], ['2', 1], ['apples', 1], ['!', 1],
    ]);
  });

  it('gives a copied name or number the same tokens whatever precedes it', () => {
    const tokensOf = (text: string): string[] => tokenizer.encode(text, { add_special_tokens: false }).tokens;
    for (const piece of ['Sekir Gutis', '135', '2026', 'Mirel Records']) {
      const alone = tokensOf(piece);
      for (const context of ['creator: ', '<search_query>', '\n', '(', 'Answer:', 'x+']) {
        const before = tokensOf(context);
        expect(tokensOf(`${context}${piece}</search_query>`).slice(0, before.length + alone.length)).toEqual([...before, ...alone]);
      }
    }
    expect(tokenizer.encode('1350', { add_special_tokens: false }).tokens).toEqual(['1', '3', '5', '0']);
  });

  it('agrees with @huggingface/tokenizers on token ids of demonstrations', async () => {
    const ranks = new Map(encoding.merges.map(([left, right], rank) => [`${left} ${right}`, rank]));
    const encodeWord = (word: string): number[] => {
      let symbols = toByteSymbols(word);
      for (;;) {
        let best = -1;
        for (let index = 0; index + 1 < symbols.length; index++) {
          const rank = ranks.get(`${symbols[index]} ${symbols[index + 1]}`);
          if (rank !== undefined && (best < 0 || rank < ranks.get(`${symbols[best]} ${symbols[best + 1]}`)!)) best = index;
        }
        if (best < 0) break;
        symbols = [...symbols.slice(0, best), symbols[best] + symbols[best + 1], ...symbols.slice(best + 2)];
      }
      return symbols.map((symbol) => encoding.vocabulary.get(symbol)!);
    };
    const encodeText = (text: string): number[] => {
      const ids: number[] = [];
      const pattern = new RegExp(BYTE_LEVEL_SPECIAL_TOKENS.map((token) => token.replace(/[|]/g, '\\|')).join('|'), 'g');
      let last = 0;
      for (const match of text.matchAll(pattern)) {
        for (const word of preTokenize(text.slice(last, match.index))) ids.push(...encodeWord(word));
        ids.push(encoding.vocabulary.get(match[0])!);
        last = match.index + match[0].length;
      }
      for (const word of preTokenize(text.slice(last))) ids.push(...encodeWord(word));
      return ids;
    };
    const samples = [...(await demonstrationTexts('test', 3)).slice(0, 30), 'naïve café — 東京 12½ ﻿x\u0085y  \t\n\n  end'];
    for (const text of samples) expect(encodeText(text)).toEqual(tokenizer.encode(text, { add_special_tokens: false }).ids);
  });

  it('writes a Split-then-ByteLevel pre-tokenizer that never lets the byte level split again', () => {
    const json = createTokenizerJson(encoding) as { pre_tokenizer: { type: string; pretokenizers: { type: string; use_regex?: boolean }[] } };
    expect(json.pre_tokenizer.type).toBe('Sequence');
    expect(json.pre_tokenizer.pretokenizers.map((item) => item.type)).toEqual(['Split', 'ByteLevel']);
    expect(json.pre_tokenizer.pretokenizers[1].use_regex).toBe(false);
    expect(preTokenize('Sekir Gutis 135')).toEqual(['Sekir', ' ', 'Gutis', ' ', '1', '3', '5']);
  });

  it('rejects a vocabulary smaller than the bytes and special tokens', () => {
    expect(() => trainBytePairEncoding(['abc'], { vocabularySize: 100, specialTokens: BYTE_LEVEL_SPECIAL_TOKENS }))
      .toThrow(/vocabularySize: expected an integer >= 259 \(256 bytes \+ 3 special tokens\), received 100/);
  });
});
