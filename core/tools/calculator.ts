// The calculator tool: arithmetic parsed by mathjs and evaluated only through a whitelist of node types and functions.
import { all, create, MathNode } from 'mathjs';
import { Tool } from './tool';

export const CALCULATOR_LIMITS = {
  /** Longest expression accepted, in characters. */
  maxInputLength: 500,
  /** Most syntax-tree nodes accepted; with only O(1) operations allowed this bounds evaluation time. */
  maxNodes: 300,
  /**
   * Wall-clock backstop reported as an error. The real bound is structural: at most maxNodes nodes, each an O(1)
   * whitelisted operation, so evaluations take microseconds; the backstop is generous so a busy machine never flips a result.
   */
  maxEvaluationMs: 1000,
  /** Largest exponent magnitude in a power, so results stay plain floating-point numbers. */
  maxExponent: 1000,
} as const;

const math = create(all, { number: 'number' });
const parseExpression = math.parse;
// The parser is kept above; the dynamic parts of the instance are switched off so nothing reachable can define or run code.
const disabled = (name: string) => () => {
  throw new Error(`${name} is disabled in the calculator`);
};
math.import(
  Object.fromEntries(['import', 'createUnit', 'evaluate', 'parse', 'compile', 'simplify', 'derivative', 'resolve', 'reviver', 'chain']
    .map((name) => [name, disabled(name)])),
  { override: true },
);

const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'unaryMinus', 'unaryPlus', 'pow', 'mod']);
const FUNCTIONS = new Set(['sqrt', 'cbrt', 'abs', 'round', 'floor', 'ceil', 'fix', 'min', 'max', 'exp', 'log', 'log10', 'log2', 'mod', 'pow', 'sign']);
const CONSTANTS = new Set(['pi', 'e']);

export class CalculatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalculatorError';
  }
}

/** Rewrites the ways people write numbers ("$1,200", "3 x 4", "48/2 =") into plain arithmetic. */
export function normalizeExpression(input: string): string {
  return input
    .replace(/[\u00d7\u2715]/g, '*')
    .replace(/\u00f7/g, '/')
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/\$/g, '')
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/(\d|\))\s*[xX]\s*(?=[\d(.])/g, '$1*')
    .replace(/=\s*$/, '')
    .trim();
}

function checkNode(node: MathNode, counter: { nodes: number }): void {
  counter.nodes += 1;
  if (counter.nodes > CALCULATOR_LIMITS.maxNodes) throw new CalculatorError(`expression too complex: more than ${CALCULATOR_LIMITS.maxNodes} terms`);
  const typed = node as MathNode & { fn?: { name?: string } | string; name?: string; value?: unknown; args?: MathNode[]; content?: MathNode };
  switch (node.type) {
    case 'ConstantNode':
      if (typeof typed.value !== 'number') throw new CalculatorError(`expected numbers, received ${JSON.stringify(String(typed.value))}`);
      return;
    case 'ParenthesisNode':
      checkNode(typed.content!, counter);
      return;
    case 'SymbolNode':
      if (!CONSTANTS.has(typed.name!)) throw new CalculatorError(`unknown name ${JSON.stringify(typed.name)}: expected numbers and arithmetic only`);
      return;
    case 'OperatorNode': {
      const name = typed.fn as string;
      if (!OPERATORS.has(name)) throw new CalculatorError(`operator ${JSON.stringify((node as unknown as { op: string }).op)} is not supported`);
      typed.args!.forEach((argument) => checkNode(argument, counter));
      return;
    }
    case 'FunctionNode': {
      const name = (typed.fn as { name?: string }).name ?? '';
      if (!FUNCTIONS.has(name)) throw new CalculatorError(`function ${JSON.stringify(name)} is not supported`);
      typed.args!.forEach((argument) => checkNode(argument, counter));
      return;
    }
    default:
      throw new CalculatorError(`${node.type.replace(/Node$/, '').toLowerCase()} syntax is not supported: expected arithmetic`);
  }
}

function checkExponents(node: MathNode): void {
  node.traverse((child) => {
    const operator = child as MathNode & { fn?: string; args?: MathNode[] };
    if (child.type === 'OperatorNode' && operator.fn === 'pow') {
      const exponent = operator.args![1];
      if (exponent.type === 'ConstantNode' && Math.abs(Number((exponent as unknown as { value: number }).value)) > CALCULATOR_LIMITS.maxExponent) {
        throw new CalculatorError(`exponent too large: at most ${CALCULATOR_LIMITS.maxExponent}`);
      }
    }
  });
}

/** Shortest faithful text for a result: integers as is, others to 12 significant digits without trailing zeros. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  return String(Number(value.toPrecision(12)));
}

/** Evaluates an arithmetic expression; throws CalculatorError with a readable reason when it cannot. */
export function evaluateExpression(input: string): number {
  if (input.length > CALCULATOR_LIMITS.maxInputLength) {
    throw new CalculatorError(`expression too long: at most ${CALCULATOR_LIMITS.maxInputLength} characters, received ${input.length}`);
  }
  const expression = normalizeExpression(input);
  if (expression === '') throw new CalculatorError('expected an arithmetic expression, received nothing');
  let tree: MathNode;
  try {
    tree = parseExpression(expression);
  } catch (error) {
    throw new CalculatorError(`cannot parse ${JSON.stringify(expression)}: ${(error as Error).message}`);
  }
  checkNode(tree, { nodes: 0 });
  checkExponents(tree);
  const started = performance.now();
  let value: unknown;
  try {
    value = tree.compile().evaluate({});
  } catch (error) {
    throw new CalculatorError(`cannot evaluate ${JSON.stringify(expression)}: ${(error as Error).message}`);
  }
  if (performance.now() - started > CALCULATOR_LIMITS.maxEvaluationMs) throw new CalculatorError('evaluation took too long');
  if (typeof value !== 'number') throw new CalculatorError(`${JSON.stringify(expression)} has no real-number result`);
  if (!Number.isFinite(value)) throw new CalculatorError(`${JSON.stringify(expression)} is undefined (division by zero or overflow)`);
  return value;
}

export function createCalculatorTool(): Tool {
  return {
    name: 'calculator',
    tag: 'math_exp',
    description: 'evaluates an arithmetic expression (+ - * / ^, parentheses, %, sqrt, round) and returns the number.',
    async execute(input: string): Promise<string> {
      try {
        return formatNumber(evaluateExpression(input));
      } catch (error) {
        if (error instanceof CalculatorError) return `Error: ${error.message}`;
        throw error;
      }
    },
  };
}
