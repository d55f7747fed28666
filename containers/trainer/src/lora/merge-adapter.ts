// Folds a LoRA adapter into the base weights (W + (alpha/rank)·B·A) for a plain full-weight export.
import type { LlamaModel } from '../model/llama-model';
import { projectionWeight, ProjectionName } from '../model/weight-names';
import { noGrad } from '../tensor/autograd';
import { withDeviceScope } from '../tensor/device';
import { matmul } from '../tensor/ops';
import { Tensor } from '../tensor/tensor';
import type { LoraAdapter } from './lora-adapter';

/** A new model whose weights include the adapter; the input model is left unchanged. */
export function mergeAdapter(model: LlamaModel, adapter: LoraAdapter): LlamaModel {
  return noGrad(() => {
    const weights = new Map<string, Tensor>();
    for (const [name, tensor] of model.weights) weights.set(name, new Tensor(tensor.toHost().slice(), tensor.shape, { name }));
    for (const [key, pair] of adapter.pairs) {
      const [layer, projection] = key.split('.') as [string, ProjectionName];
      const name = projectionWeight(Number(layer), projection);
      const delta = withDeviceScope(pair.b.device, () => matmul(pair.b, pair.a).toHost());
      const target = weights.get(name)!.data;
      for (let index = 0; index < target.length; index += 1) target[index] += adapter.scaling * delta[index];
    }
    const merged = new (model.constructor as typeof LlamaModel)(model.config, weights);
    return merged;
  });
}
