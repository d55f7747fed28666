// Generates arith word problems that need 2–6 calculator steps, keeping every gold intermediate value.
import type { DatasetRow } from '../../schemas';
import { createSeededRandom, type SeededRandom } from '../seeded-random';
import { drawUniqueWord, type TaskSplit } from '../syllable-names';
import {
  ARITH_OPERATIONS,
  arithTemplateId,
  MAX_CALCULATIONS,
  MIN_CALCULATIONS,
  NUMBER_RANGES,
  OPERATION_SYMBOLS,
  renderArithQuestionEnd,
  renderOpening,
  renderOperation,
  splitOfArithTemplate,
  STORY_SETTINGS,
  type ArithOpening,
  type ArithOperation,
} from './arith-templates';

/** Keeps every intermediate value a small positive integer, so slips and recoveries stay readable. */
const MAX_VALUE = 5000;

export interface ArithTask {
  row: DatasetRow;
  templateId: string;
  /** The story character: a generated name owned by the split. */
  character: string;
}

function divisorsOf(value: number, [low, high]: [number, number]): number[] {
  const divisors: number[] = [];
  for (let candidate = low; candidate <= high; candidate++) if (value % candidate === 0) divisors.push(candidate);
  return divisors;
}

interface DrawnProblem {
  opening: ArithOpening;
  operations: ArithOperation[];
  sentences: string[];
  calculations: { expression: string; value: number }[];
}

/** One attempt at a problem with the given template; null when its numbers cannot be kept integral and in range. */
function drawProblem(random: SeededRandom, split: TaskSplit, name: string, opening: ArithOpening, operations: ArithOperation[]): DrawnProblem | null {
  const ranges = NUMBER_RANGES[split];
  const setting = random.pick(STORY_SETTINGS[split]);
  const calculations: { expression: string; value: number }[] = [];
  const sentences: string[] = [];
  let value: number;
  if (opening === 'product') {
    const count = random.integer(...ranges.openingCount);
    const each = random.integer(...ranges.perContainer);
    value = count * each;
    calculations.push({ expression: `${count}*${each}`, value });
    sentences.push(renderOpening(opening, name, setting, [count, each]));
  } else {
    value = random.integer(...ranges.plainStart);
    sentences.push(renderOpening(opening, name, setting, [value]));
  }
  for (const operation of operations) {
    let operand: number;
    if (operation === 'add') operand = random.integer(...ranges.addend);
    else if (operation === 'subtract') {
      if (value <= ranges.addend[0]) return null;
      operand = random.integer(ranges.addend[0], Math.min(ranges.addend[1], value - 1));
    } else if (operation === 'multiply') operand = random.integer(...ranges.multiplier);
    else {
      const divisors = divisorsOf(value, ranges.divisor);
      if (divisors.length === 0) return null;
      operand = random.pick(divisors);
    }
    const next = operation === 'add' ? value + operand : operation === 'subtract' ? value - operand : operation === 'multiply' ? value * operand : value / operand;
    if (!Number.isInteger(next) || next <= 0 || next > MAX_VALUE) return null;
    calculations.push({ expression: `${value}${OPERATION_SYMBOLS[operation]}${operand}`, value: next });
    sentences.push(renderOperation(operation, name, setting, operand, random.integer(0, 1)));
    value = next;
  }
  sentences.push(renderArithQuestionEnd(name, setting));
  return { opening, operations, sentences, calculations };
}

function drawTemplate(random: SeededRandom, split: TaskSplit): { opening: ArithOpening; operations: ArithOperation[] } {
  for (;;) {
    const calculations = random.integer(MIN_CALCULATIONS, MAX_CALCULATIONS);
    const opening: ArithOpening = random.chance(0.5) ? 'product' : 'plain';
    const length = opening === 'product' ? calculations - 1 : calculations;
    const operations = Array.from({ length }, () => random.pick(ARITH_OPERATIONS));
    if (splitOfArithTemplate(arithTemplateId(opening, operations)) === split) return { opening, operations };
  }
}

export function generateArithTasks(split: TaskSplit, options: { count: number; seed: number }): ArithTask[] {
  const random = createSeededRandom(`arith:${split}:${options.seed}`);
  const names: string[] = [];
  const taken = new Set<string>();
  const nameCount = Math.max(8, Math.ceil(options.count / 4));
  for (let index = 0; index < nameCount; index++) names.push(drawUniqueWord(random, split, taken));
  const tasks: ArithTask[] = [];
  const seenQuestions = new Set<string>();
  for (let attempt = 0; tasks.length < options.count; attempt++) {
    if (attempt > options.count * 200 + 1000) throw new Error(`generateArithTasks: could only build ${tasks.length} of ${options.count} questions`);
    const { opening, operations } = drawTemplate(random, split);
    const character = random.pick(names);
    const problem = drawProblem(random, split, character, opening, operations);
    if (!problem) continue;
    const question = problem.sentences.join(' ');
    if (seenQuestions.has(question)) continue;
    seenQuestions.add(question);
    const templateId = arithTemplateId(opening, operations);
    const answer = String(problem.calculations[problem.calculations.length - 1].value);
    tasks.push({
      templateId,
      character,
      row: {
        id: `arith-${split}-${options.seed}-${String(tasks.length).padStart(5, '0')}`,
        question,
        answer,
        aliases: [],
        task: 'math',
        source: 'arith',
        goldCalculations: problem.calculations,
        supportingFacts: [],
        goldSolution: `template ${templateId}; ${problem.calculations.map((step) => `${step.expression} = ${step.value}`).join('; ')}; answer ${answer}`,
        answerable: true,
      },
    });
  }
  return tasks;
}
