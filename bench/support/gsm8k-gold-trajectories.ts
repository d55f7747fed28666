// Turns GSM8K gold solutions into trajectories (one calculator call per <<expr=value>> annotation, then the answer), and corrupts them for judge checks.
import { readFileSync } from 'node:fs';
import { parseGsm8kRecord } from '../../core/datasets/gsm8k-format';
import { DatasetRow, DatasetRowSchema } from '../../core/schemas/dataset-row';
import { Trajectory, TrajectoryTurn } from '../../core/schemas/trajectory';
import { decomposeTrajectory } from '../../core/decompose/decompose-trajectory';
import { collectContextNumbers, KnownNumbers, resultOfToolMessage } from '../../core/judges/context-numbers';
import { evaluateExpression, formatNumber } from '../../core/tools/calculator';

const ANNOTATION = /<<([^<>]*)=([^<>]*)>>/;

export interface Gsm8kGoldRow {
  row: DatasetRow;
  /** Solution lines, each with at most the first annotation's reasoning kept as the model's thinking. */
  solutionLines: string[];
}

export function readGsm8kGoldRows(path: string): Gsm8kGoldRow[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line, index) => {
    const raw = JSON.parse(line) as { question: string; answer: string };
    const [parsed] = parseGsm8kRecord(raw, { line: index + 1, position: String(index + 1) });
    return { row: DatasetRowSchema.parse(parsed.row), solutionLines: raw.answer.split('\n') };
  });
}

function calculatorTurn(index: number, thinking: string, expression: string, value: number): TrajectoryTurn {
  return {
    index,
    output: `${thinking}\n<math_exp>${expression}</math_exp>`,
    action: { type: 'tool_call', tool: 'calculator', tag: 'math_exp', input: expression },
    toolResult: `${expression} -> ${formatNumber(value)}`,
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    error: null,
  };
}

/** The gold solution as the trajectory a perfect policy would write; `copy` makes ids unique when rows repeat. */
export function buildGoldTrajectory(gold: Gsm8kGoldRow, runId: string, copy = 0): Trajectory {
  const { row } = gold;
  const turns: TrajectoryTurn[] = [];
  let calculation = 0;
  for (const line of gold.solutionLines) {
    let rest = line;
    for (let match = ANNOTATION.exec(rest); match; match = ANNOTATION.exec(rest)) {
      const thinking = rest.slice(0, match.index).replace(ANNOTATION, '').trim() || 'Next I compute:';
      const gold = row.goldCalculations[calculation];
      turns.push(calculatorTurn(turns.length, thinking, gold.expression, gold.value ?? evaluateExpression(gold.expression)));
      calculation += 1;
      rest = rest.slice(match.index + match[0].length);
    }
  }
  turns.push({
    index: turns.length,
    output: `So the answer is ${row.answer}.\n<answer>${row.answer}</answer>`,
    action: { type: 'answer', answer: row.answer },
    toolResult: null,
    usage: { inputTokens: 0, outputTokens: 0 },
    latencyMs: 0,
    error: null,
  });
  const questionId = copy === 0 ? row.id : `${row.id}-copy${copy}`;
  return {
    id: `${questionId}#0`,
    runId,
    questionId,
    sample: 0,
    question: copy === 0 ? row : { ...row, id: questionId },
    prompt: [
      { role: 'system', content: 'You answer questions by working in steps. Use <math_exp>...</math_exp> to calculate and <answer>...</answer> to answer.' },
      { role: 'user', content: `Question: ${row.question}` },
    ],
    turns,
    finalAnswer: row.answer,
    finishReason: 'answered',
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    model: 'gold',
  };
}

/** Numbers of the question and of tool results before a turn: what a corrupted operand must not coincide with. */
function contextNumbers(trajectory: Trajectory, turnIndex: number): KnownNumbers {
  const context = decomposeTrajectory(trajectory)[turnIndex].context;
  return collectContextNumbers(context);
}

/** A deterministic generator in [0, 1) (mulberry32), so corruptions are the same on every run. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Changes one number in one calculator call by +1…+9 (the result follows the corrupted expression, as a
 * real calculator would return it). With `avoidContextNumbers` the new number is one that appears nowhere in
 * the question or earlier results, i.e. a made-up number rather than a mix-up of two given ones. Returns the corrupted turn's index, or null when no call can be corrupted.
 */
export function corruptOneNumber(
  trajectory: Trajectory,
  random: () => number,
  options: { avoidContextNumbers?: boolean } = {},
): { trajectory: Trajectory; turnIndex: number } | null {
  const candidates = trajectory.turns.filter((turn) => turn.action.type === 'tool_call' && /\d/.test(turn.action.input));
  if (candidates.length === 0) return null;
  const turn = candidates[Math.floor(random() * candidates.length)];
  if (turn.action.type !== 'tool_call') return null;
  const original = turn.action.type === 'tool_call' ? Number(resultOfToolMessage(turn.toolResult ?? '')) : NaN;
  if (!Number.isFinite(original)) return null;
  const numbers = [...turn.action.input.matchAll(/\d+(?:\.\d+)?/g)];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const target = numbers[Math.floor(random() * numbers.length)];
    const replacement = String(Number(target[0]) + 1 + Math.floor(random() * 9));
    if (options.avoidContextNumbers && contextNumbers(trajectory, turn.index).has(Number(replacement))) continue;
    const expression = turn.action.input.slice(0, target.index) + replacement + turn.action.input.slice(target.index! + target[0].length);
    let value: number;
    try {
      value = evaluateExpression(expression);
    } catch {
      // Unparseable or, on a busy machine, timed out: try another number.
      continue;
    }
    if (Math.abs(value - original) < 1e-9) continue;
    const corrupted = calculatorTurn(turn.index, 'Next I compute:', expression, value);
    const turns = trajectory.turns.map((existing) => (existing.index === turn.index ? corrupted : existing));
    return { trajectory: { ...trajectory, turns }, turnIndex: turn.index };
  }
  return null;
}
