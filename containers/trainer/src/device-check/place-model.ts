// Puts a model's weights and its LoRA adapter on a device table, each tensor through its own toDevice (frozen bf16
// matrices stay bf16 there).
import type { LoraAdapter } from '../lora/lora-adapter';
import type { LlamaModel } from '../model/llama-model';
import type { DeviceTable } from '../tensor/device';

export function placeModelOnDevice(model: LlamaModel, device: DeviceTable): void {
  for (const [name, weight] of model.weights) model.weights.set(name, weight.toDevice(device));
}

export function placeAdapterOnDevice(adapter: LoraAdapter, device: DeviceTable): void {
  for (const pair of adapter.pairs.values()) {
    pair.a = pair.a.toDevice(device);
    pair.b = pair.b.toDevice(device);
  }
}
