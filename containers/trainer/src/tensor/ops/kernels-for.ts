// The kernels an op runs on: those of the one device all its tensors live on; mixed devices are an error, never a copy.
import type { Tensor } from '../tensor';
import { kernelsOfDevice, nameOfDevice, type Buffer } from '../device';
import type { KernelBackend } from '../kernels';
import type { FamilyKernels } from '../family-kernels';

export function kernelsFor(opName: string, ...tensors: Tensor[]): KernelBackend<Buffer> {
  const device = tensors[0].device;
  for (const tensor of tensors) {
    if (tensor.device !== device) {
      throw new Error(`${opName}: expected every input on one device, received inputs on ${nameOfDevice(device)} and ${nameOfDevice(tensor.device)}; move them with toDevice() first`);
    }
  }
  return kernelsOfDevice(device);
}

/** As kernelsFor, for an op built on family-specific kernels: a backend without one of them is refused by name. */
export function familyKernelsFor<K extends keyof FamilyKernels<Buffer>>(opName: string, needed: readonly K[], ...tensors: Tensor[]): KernelBackend<Buffer> & Pick<FamilyKernels<Buffer>, K> {
  const kernels = kernelsFor(opName, ...tensors);
  const missing = needed.filter((name) => typeof kernels[name] !== 'function');
  if (missing.length > 0) throw new Error(`${opName}: the ${kernels.name} kernels have no ${missing.join(', ')}; run this model family on another backend`);
  return kernels as KernelBackend<Buffer> & Pick<FamilyKernels<Buffer>, K>;
}
