// Arith word-problem building blocks: story settings per split, one sentence per calculator step, held-out step patterns.
import { hashString } from '../seeded-random';
import type { TaskSplit } from '../syllable-names';

export const ARITH_OPERATIONS = ['add', 'subtract', 'multiply', 'divide'] as const;
export type ArithOperation = (typeof ARITH_OPERATIONS)[number];
export type ArithOpening = 'product' | 'plain';
export const MIN_CALCULATIONS = 2;
export const MAX_CALCULATIONS = 6;

export interface StorySetting {
  /** Plural noun of the counted things. */
  items: string;
  /** Plural noun of what holds them in the "product" opening. */
  containers: string;
}

/** Train and test never share a setting: held-out nouns keep test questions new. */
export const STORY_SETTINGS: Record<TaskSplit, readonly StorySetting[]> = {
  train: [
    { items: 'apples', containers: 'boxes' },
    { items: 'pencils', containers: 'packs' },
    { items: 'marbles', containers: 'bags' },
    { items: 'cookies', containers: 'trays' },
    { items: 'stickers', containers: 'sheets' },
    { items: 'stamps', containers: 'albums' },
  ],
  test: [
    { items: 'shells', containers: 'buckets' },
    { items: 'buttons', containers: 'jars' },
    { items: 'candles', containers: 'crates' },
    { items: 'beads', containers: 'pouches' },
  ],
};

export interface NumberRanges {
  openingCount: [number, number];
  perContainer: [number, number];
  plainStart: [number, number];
  addend: [number, number];
  multiplier: [number, number];
  divisor: [number, number];
}

/** Test numbers reach past the train ranges, so memorised values do not help. */
export const NUMBER_RANGES: Record<TaskSplit, NumberRanges> = {
  train: { openingCount: [2, 9], perContainer: [2, 12], plainStart: [10, 60], addend: [2, 30], multiplier: [2, 4], divisor: [2, 6] },
  test: { openingCount: [3, 15], perContainer: [5, 20], plainStart: [40, 150], addend: [10, 70], multiplier: [2, 5], divisor: [2, 9] },
};

/** A template is the opening plus the sequence of operations; a fixed quarter of them is held out for test. */
export function arithTemplateId(opening: ArithOpening, operations: readonly ArithOperation[]): string {
  return [opening, ...operations].join('>');
}

export function splitOfArithTemplate(templateId: string): TaskSplit {
  return hashString(`arith-template:${templateId}`) % 4 === 0 ? 'test' : 'train';
}

export function renderOpening(opening: ArithOpening, name: string, setting: StorySetting, numbers: readonly number[]): string {
  return opening === 'product'
    ? `${name} has ${numbers[0]} ${setting.containers} with ${numbers[1]} ${setting.items} in each.`
    : `${name} has ${numbers[0]} ${setting.items}.`;
}

export function renderOperation(operation: ArithOperation, name: string, setting: StorySetting, operand: number, variant: number): string {
  switch (operation) {
    case 'add':
      return variant === 0 ? `${name} buys ${operand} more ${setting.items}.` : `${name} finds ${operand} more ${setting.items}.`;
    case 'subtract':
      return variant === 0 ? `${name} gives away ${operand} ${setting.items}.` : `${name} loses ${operand} ${setting.items}.`;
    case 'multiply':
      return `Then ${name} has ${operand} times as many ${setting.items}.`;
    case 'divide':
      return `${name} splits the ${setting.items} into ${operand} equal groups and keeps one group.`;
  }
}

export function renderArithQuestionEnd(name: string, setting: StorySetting): string {
  return `How many ${setting.items} does ${name} have now?`;
}

export const OPERATION_SYMBOLS: Record<ArithOperation, string> = { add: '+', subtract: '-', multiply: '*', divide: '/' };
