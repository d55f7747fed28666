// Runs the calculator tool, retrying its wall-clock overrun: on a loaded machine that error is scheduling noise, not the expression.
import type { Tool } from '../../../../core/tools/tool';

export async function runCalculator(calculator: Tool, expression: string): Promise<string> {
  let result = await calculator.execute(expression);
  for (let attempt = 0; attempt < 3 && result === 'Error: evaluation took too long'; attempt++) result = await calculator.execute(expression);
  return result;
}
