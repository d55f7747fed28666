// LoRA matrices per (layer, projection): y = W·x + (alpha/rank)·B·A·dropout(x), with A [rank, in] and B [out, rank].
import type { DecoderConfig } from '../model/model-config';
import { ProjectionName } from '../model/weight-names';
import type { Device } from '../tensor/device';
import type { Rng } from '../tensor/random';
import { Tensor } from '../tensor/tensor';
import { LoraSettings, peftKey } from './peft-format';

export interface LoraPair {
  a: Tensor;
  b: Tensor;
}

/** Input and output width of each projection of a layer. */
export function projectionShape(config: DecoderConfig, projection: ProjectionName): { input: number; output: number } {
  const attentionWidth = config.headCount * config.headDimension;
  const keyValueWidth = config.keyValueHeadCount * config.headDimension;
  switch (projection) {
    case 'q_proj': return { input: config.hiddenSize, output: attentionWidth };
    case 'k_proj':
    case 'v_proj': return { input: config.hiddenSize, output: keyValueWidth };
    case 'o_proj': return { input: attentionWidth, output: config.hiddenSize };
    case 'gate_proj':
    case 'up_proj': return { input: config.hiddenSize, output: config.intermediateSize };
    case 'down_proj': return { input: config.intermediateSize, output: config.hiddenSize };
  }
}

export class LoraAdapter {
  readonly pairs = new Map<string, LoraPair>();
  /** When false, forward passes skip the adapter (the frozen reference policy shares the base weights). */
  enabled = true;

  constructor(readonly settings: LoraSettings, readonly layerCount: number) {}

  get scaling(): number {
    return this.settings.alpha / this.settings.rank;
  }

  static pairKey(layer: number, projection: ProjectionName): string {
    return `${layer}.${projection}`;
  }

  get(layer: number, projection: ProjectionName): LoraPair | undefined {
    return this.enabled ? this.pairs.get(LoraAdapter.pairKey(layer, projection)) : undefined;
  }

  /** PEFT's default initialization: A uniform in ±1/sqrt(in) (Kaiming-uniform with a=√5), B zero, so training starts at the base model. */
  static initialize(config: DecoderConfig, settings: LoraSettings, rng: Rng): LoraAdapter {
    const adapter = new LoraAdapter(settings, config.layerCount);
    for (let layer = 0; layer < config.layerCount; layer += 1) {
      for (const projection of settings.targets) {
        const { input, output } = projectionShape(config, projection);
        const bound = 1 / Math.sqrt(input);
        const a = new Float32Array(settings.rank * input);
        for (let index = 0; index < a.length; index += 1) a[index] = (rng.nextFloat() * 2 - 1) * bound;
        adapter.pairs.set(LoraAdapter.pairKey(layer, projection), {
          a: new Tensor(a, [settings.rank, input], { requiresGrad: true, name: peftKey(layer, projection, 'A') }),
          b: new Tensor(new Float32Array(output * settings.rank), [output, settings.rank], { requiresGrad: true, name: peftKey(layer, projection, 'B') }),
        });
      }
    }
    return adapter;
  }

  /** Moves every A and B to `device` (kept trainable); optimizers must be built from namedParameters() afterwards. */
  toDevice(device: Device): this {
    for (const [key, pair] of this.pairs) this.pairs.set(key, { a: pair.a.toDevice(device), b: pair.b.toDevice(device) });
    return this;
  }

  /** Trainable tensors by PEFT key name. */
  namedParameters(): Map<string, Tensor> {
    const named = new Map<string, Tensor>();
    for (const [key, pair] of this.pairs) {
      const [layer, projection] = key.split('.') as [string, ProjectionName];
      named.set(peftKey(Number(layer), projection, 'A'), pair.a);
      named.set(peftKey(Number(layer), projection, 'B'), pair.b);
    }
    return named;
  }
}
