// Binary elementwise ops (add, sub, mul) with trailing broadcast of the second operand, and scaling by a constant.
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';
import { getBackend } from '../backend';
import { checkBroadcast } from './broadcast';

/** Adds the gradient of a broadcast operand: summed over the rows it was repeated on. */
function accumulateBroadcast(target: Tensor, gradOut: Float32Array, alpha: number): void {
  const backend = getBackend();
  const grad = target.ensureGrad();
  if (grad.length === gradOut.length) backend.axpy(alpha, gradOut, grad);
  else backend.sumRowsInto(alpha, gradOut, grad);
}

/** a + sign·b with b broadcast over a's leading dimensions; add and sub differ only in the sign. */
function addSigned(operation: 'add' | 'sub', a: Tensor, b: Tensor, sign: 1 | -1): Tensor {
  checkBroadcast(operation, a, b);
  let addend = b.data;
  if (sign === -1) {
    addend = b.data.slice();
    getBackend().scaleInPlace(addend, -1);
  }
  const out = new Tensor(new Float32Array(a.size), a.shape, { op: operation });
  getBackend().addBroadcast(a.data, addend, out.data);
  if (!needsGrad(a, b)) return out;
  return record(out, [a, b], () => {
    if (a.requiresGrad) getBackend().axpy(1, out.grad!, a.ensureGrad());
    if (b.requiresGrad) accumulateBroadcast(b, out.grad!, sign);
  });
}

export function add(a: Tensor, b: Tensor): Tensor {
  return addSigned('add', a, b, 1);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  return addSigned('sub', a, b, -1);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  checkBroadcast('mul', a, b);
  const out = new Tensor(new Float32Array(a.size), a.shape, { op: 'mul' });
  getBackend().mulBroadcast(a.data, b.data, out.data);
  if (!needsGrad(a, b)) return out;
  return record(out, [a, b], () => {
    const backend = getBackend();
    const gradOut = out.grad!;
    if (a.requiresGrad) backend.mulAccumulate(gradOut, b.data, a.ensureGrad());
    if (b.requiresGrad) {
      if (b.size === a.size) backend.mulAccumulate(gradOut, a.data, b.ensureGrad());
      else backend.mulSumRowsInto(gradOut, a.data, b.ensureGrad());
    }
  });
}

export function scale(x: Tensor, factor: number): Tensor {
  const out = new Tensor(new Float32Array(x.size), x.shape, { op: 'scale' });
  getBackend().mulBroadcast(x.data, Float32Array.of(factor), out.data);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => getBackend().axpy(factor, out.grad!, x.ensureGrad()));
}

export function neg(x: Tensor): Tensor {
  return scale(x, -1);
}
