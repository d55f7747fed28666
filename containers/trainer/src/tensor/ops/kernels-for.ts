// The kernels an op runs on: those of the one device all its tensors live on; mixed devices are an error, never a copy.
import type { Tensor } from '../tensor';
import { kernelsOfDevice, nameOfDevice, type Buffer } from '../device';
import type { KernelBackend } from '../kernels';

export function kernelsFor(opName: string, ...tensors: Tensor[]): KernelBackend<Buffer> {
  const device = tensors[0].device;
  for (const tensor of tensors) {
    if (tensor.device !== device) {
      throw new Error(`${opName}: expected every input on one device, received inputs on ${nameOfDevice(device)} and ${nameOfDevice(tensor.device)}; move them with toDevice() first`);
    }
  }
  return kernelsOfDevice(device);
}
