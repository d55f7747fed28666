// Puts a model's weights and its LoRA adapter on a device table: frozen bf16 matrices as bf16 device buffers,
// everything else as float32 device tensors.
import type { LoraAdapter } from '../lora/lora-adapter';
import { Bfloat16Tensor } from '../model/bfloat16-weight';
import type { LlamaModel } from '../model/llama-model';
import type { DeviceTable } from '../tensor/device';
import { Tensor } from '../tensor/tensor';

/**
 * Where the model has its own placement (model.toDevice), that is used; otherwise each weight is moved here, the
 * bf16 matrices through uploadBfloat16 so the device keeps them at half the size.
 */
export function placeModelOnDevice(model: LlamaModel, device: DeviceTable): void {
  const own = (model as unknown as { toDevice?: (device: DeviceTable) => void }).toDevice;
  if (typeof own === 'function') {
    own.call(model, device);
    return;
  }
  for (const [name, weight] of model.weights) {
    const placed = weight instanceof Bfloat16Tensor
      ? new Tensor(device.uploadBfloat16(weight.bits), weight.shape, { name })
      : weight.toDevice(device);
    model.weights.set(name, placed);
  }
}

export function placeAdapterOnDevice(adapter: LoraAdapter, device: DeviceTable): void {
  for (const pair of adapter.pairs.values()) {
    pair.a = pair.a.toDevice(device);
    pair.b = pair.b.toDevice(device);
  }
}
