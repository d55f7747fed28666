// Binary elementwise ops (add, sub, mul) with trailing broadcast of the second operand, and scaling by a constant.
import { Tensor } from '../tensor';
import { needsGrad, record } from '../autograd';
import type { Buffer } from '../device';
import type { KernelBackend } from '../kernels';
import { checkBroadcast } from './broadcast';
import { kernelsFor } from './kernels-for';

/** Adds the gradient of a broadcast operand: summed over the rows it was repeated on. */
function accumulateBroadcast(kernels: KernelBackend<Buffer>, target: Tensor, gradOut: Buffer, alpha: number): void {
  const grad = target.ensureGradBuffer();
  if (grad.length === gradOut.length) kernels.axpy(alpha, gradOut, grad);
  else kernels.sumRowsInto(alpha, gradOut, grad);
}

/** a + sign·b with b broadcast over a's leading dimensions; add and sub differ only in the sign. */
function addSigned(operation: 'add' | 'sub', a: Tensor, b: Tensor, sign: 1 | -1): Tensor {
  checkBroadcast(operation, a, b);
  const kernels = kernelsFor(operation, a, b);
  let addend = b.buffer;
  if (sign === -1) {
    addend = kernels.allocate(b.size);
    kernels.axpy(-1, b.buffer, addend);
  }
  const out = new Tensor(kernels.allocate(a.size), a.shape, { op: operation });
  kernels.addBroadcast(a.buffer, addend, out.buffer);
  if (!needsGrad(a, b)) return out;
  return record(out, [a, b], () => {
    if (a.requiresGrad) kernels.axpy(1, out.gradBuffer!, a.ensureGradBuffer());
    if (b.requiresGrad) accumulateBroadcast(kernels, b, out.gradBuffer!, sign);
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
  const kernels = kernelsFor('mul', a, b);
  const out = new Tensor(kernels.allocate(a.size), a.shape, { op: 'mul' });
  kernels.mulBroadcast(a.buffer, b.buffer, out.buffer);
  if (!needsGrad(a, b)) return out;
  return record(out, [a, b], () => {
    const gradOut = out.gradBuffer!;
    if (a.requiresGrad) kernels.mulAccumulate(gradOut, b.buffer, a.ensureGradBuffer());
    if (b.requiresGrad) {
      if (b.size === a.size) kernels.mulAccumulate(gradOut, a.buffer, b.ensureGradBuffer());
      else kernels.mulSumRowsInto(gradOut, a.buffer, b.ensureGradBuffer());
    }
  });
}

/** x·factor: the factor is a kernel argument, so nothing crosses to a device. */
export function scale(x: Tensor, factor: number): Tensor {
  const kernels = kernelsFor('scale', x);
  const out = new Tensor(kernels.allocate(x.size), x.shape, { op: 'scale' });
  kernels.axpy(factor, x.buffer, out.buffer);
  if (!needsGrad(x)) return out;
  return record(out, [x], () => kernels.axpy(factor, out.gradBuffer!, x.ensureGradBuffer()));
}

export function neg(x: Tensor): Tensor {
  return scale(x, -1);
}
