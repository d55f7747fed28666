// Pronounceable fictional names built from syllables; a name's split (train or test) is fixed by its hash.
import { hashString, type SeededRandom } from './seeded-random';

export type TaskSplit = 'train' | 'test';

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'kl', 'st', 'tr'] as const;
const VOWELS = ['a', 'e', 'i', 'o', 'u'] as const;
const CODAS = ['', '', 'n', 'r', 'l', 's'] as const;

/** Which split owns a word: both splits draw from one syllable space, halved by hash, so they never share a name. */
export function splitOfWord(word: string): TaskSplit {
  return hashString(`split:${word.toLowerCase()}`) % 2 === 0 ? 'train' : 'test';
}

function composeWord(random: SeededRandom, syllables: number): string {
  let word = '';
  for (let index = 0; index < syllables; index++) {
    word += random.pick(ONSETS) + random.pick(VOWELS);
  }
  word += random.pick(CODAS);
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Draws capitalized words for one split, never repeating a word already in `taken`
 * (keeping every name word unique makes each entity's document the only strong search match).
 */
export function drawUniqueWord(random: SeededRandom, split: TaskSplit, taken: Set<string>): string {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const word = composeWord(random, random.chance(0.7) ? 2 : 3);
    const key = word.toLowerCase();
    if (taken.has(key) || splitOfWord(word) !== split) continue;
    taken.add(key);
    return word;
  }
  throw new Error(`drawUniqueWord: no unused ${split} word left after 10000 attempts (${taken.size} taken)`);
}
