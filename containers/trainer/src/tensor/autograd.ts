// Autograd tape: ops link results to inputs with a backward closure; backward() walks them in reverse topological order.
import { Tensor, formatShape } from './tensor';
import { kernelsOfBuffer, type Buffer } from './device';

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs compute without recording anything on the tape (inference, optimizer updates). */
export function noGrad<T>(compute: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    const result = compute();
    if (result instanceof Promise) throw new Error('noGrad(compute) needs a synchronous function; await outside it');
    return result;
  } finally {
    gradEnabled = previous;
  }
}

/** Runs compute with recording on (a recomputation inside a backward pass that may run under noGrad). */
export function enableGrad<T>(compute: () => T): T {
  const previous = gradEnabled;
  gradEnabled = true;
  try {
    return compute();
  } finally {
    gradEnabled = previous;
  }
}

/** True when an op over these inputs must record a backward closure. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const input of inputs) if (input && input.requiresGrad) return true;
  return false;
}

/** Links `output` to its inputs; `backwardFn` reads output.grad and accumulates into inputs that require grad. */
export function record(output: Tensor, inputs: Tensor[], backwardFn: () => void): Tensor {
  output.requiresGrad = true;
  output.parents = inputs;
  output.backwardFn = backwardFn;
  return output;
}

function sortTopologically(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative depth-first search: deep models would overflow the call stack with recursion.
  const stack: { tensor: Tensor; expanded: boolean }[] = [{ tensor: root, expanded: false }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.expanded) {
      order.push(frame.tensor);
      continue;
    }
    if (visited.has(frame.tensor)) continue;
    visited.add(frame.tensor);
    stack.push({ tensor: frame.tensor, expanded: true });
    for (const parent of frame.tensor.parents) if (parent.requiresGrad && !visited.has(parent)) stack.push({ tensor: parent, expanded: false });
  }
  return order;
}

/**
 * Back-propagates from `loss` (a one-element tensor unless `gradient` is given), accumulating into leaf `.grad`.
 * Intermediate gradients and the tape are released afterwards, so each forward supports one backward.
 */
export function backward(loss: Tensor, gradient?: Buffer): void {
  if (!loss.requiresGrad) throw new Error(`backward(): the loss (op ${loss.op}) does not require grad; were the parameters created with parameter() and the forward run outside noGrad?`);
  if (!gradient && loss.size !== 1) throw new Error(`backward(): expected a one-element loss, received shape ${formatShape(loss.shape)}; pass a gradient for non-scalar outputs`);
  if (gradient && gradient.length !== loss.size) throw new Error(`backward(): gradient has ${gradient.length} elements, loss has ${loss.size}`);
  const order = sortTopologically(loss);
  const seed = loss.ensureGradBuffer();
  const kernels = kernelsOfBuffer(seed);
  // The seed is set where the loss lives: a one-element fill needs no transfer; a given gradient is uploaded once.
  if (gradient) kernels.axpy(1, gradient instanceof Float32Array ? kernels.upload(gradient) : gradient, seed);
  else kernels.axpy(1, onesLike(kernels, seed), seed);
  for (let index = order.length - 1; index >= 0; index--) {
    const tensor = order[index];
    if (tensor.backwardFn === null) continue;
    if (tensor.grad !== null) tensor.backwardFn();
    tensor.backwardFn = null;
    tensor.parents = [];
    tensor.grad = null;
  }
}

function onesLike(kernels: ReturnType<typeof kernelsOfBuffer>, like: Parameters<ReturnType<typeof kernelsOfBuffer>['fill']>[0]): typeof like {
  const ones = kernels.allocate(like.length);
  kernels.fill(ones, 1);
  return ones;
}
