// Scripts an arith demonstration: one calculator step per sentence, then the answer — with occasional misread operands and early answers.
import type { DatasetRow } from '../../schemas';
import { formatNumber } from '../../tools/calculator';
import type { SeededRandom } from '../seeded-random';
import { answerOutput, calculatorOutput, type DemonstrationPlan } from './demonstration-plan';
import type { MistakeProfile } from './mistake-profile';

const STEP_PATTERN = /^(\d+)([-+*/])(\d+)$/;
const SITUATION_OF_SYMBOL: Record<string, string> = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide' };

/** The situations an arith policy can get wrong: the opening product and each operation. */
export const ARITH_SITUATIONS = ['opening', 'add', 'subtract', 'multiply', 'divide'] as const;

/** Plain arithmetic on the running total; the calculator tool gives the same numbers for these four operations. */
function compute(left: string, symbol: string, right: string): string {
  const a = Number(left);
  const b = Number(right);
  return formatNumber(symbol === '+' ? a + b : symbol === '-' ? a - b : symbol === '*' ? a * b : a / b);
}

export function planArithDemonstration(row: DatasetRow, profile: MistakeProfile, random: SeededRandom): DemonstrationPlan {
  const steps = row.goldCalculations.map((calculation) => {
    const match = STEP_PATTERN.exec(calculation.expression);
    if (!match) throw new Error(`arith demonstration for ${row.id}: expected "<number><op><number>", received ${JSON.stringify(calculation.expression)}`);
    return { left: match[1], symbol: match[2], right: match[3] };
  });
  const questionNumbers: string[] = row.question.match(/\d+/g) ?? [];
  const plan: DemonstrationPlan = { outputs: [], mistakes: [] };
  // What the policy believes the running total is; it drifts from gold after an uncorrected slip.
  let current = steps[0].left;
  for (const [index, step] of steps.entries()) {
    if (index > 0 && random.chance(profile.prematureRate)) {
      plan.mistakes.push({ kind: 'premature_answer', step: plan.outputs.length, recovered: false });
      plan.outputs.push(answerOutput(null, current));
      return plan;
    }
    const left = index === 0 ? step.left : current;
    const situation = index === 0 && /with \d+ \w+ in each\./.test(row.question)
      ? 'opening'
      : SITUATION_OF_SYMBOL[step.symbol];
    let right = step.right;
    const drifted = plan.mistakes.some((mistake) => !mistake.recovered);
    if (!drifted && random.chance(profile.wrongStepRate(situation))) {
      // A misread operand, one off; a number the question never states, so a step-level check can notice it.
      let slipped = Number(step.right) + 1;
      while (questionNumbers.includes(String(slipped))) slipped += 1;
      const mistake = { kind: 'arithmetic_slip' as const, step: plan.outputs.length, recovered: false };
      plan.mistakes.push(mistake);
      plan.outputs.push(calculatorOutput(`${left}${step.symbol}${slipped}`));
      if (random.chance(profile.recoveryRate)) {
        mistake.recovered = true;
      } else {
        right = String(slipped);
        current = compute(left, step.symbol, right);
        continue;
      }
    }
    plan.outputs.push(calculatorOutput(`${left}${step.symbol}${right}`));
    current = compute(left, step.symbol, right);
  }
  plan.outputs.push(answerOutput(null, current));
  return plan;
}
