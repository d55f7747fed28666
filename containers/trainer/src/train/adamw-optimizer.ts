// AdamW over named parameters, with moments the checkpoint can save and restore exactly.
import { kernelsOfBuffer } from '../tensor/device';
import { Tensor } from '../tensor/tensor';
import type { TensorMap } from '../safetensors/safetensors-types';
import { clipGradNorm } from '../tensor/ops/clip-grad-norm';

export interface AdamwSettings {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamwSettings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };

export class AdamwOptimizer {
  /** Moments live where their parameter lives (persistent device buffers for a device-resident model). */
  private readonly firstMoments = new Map<string, Tensor>();
  private readonly secondMoments = new Map<string, Tensor>();
  stepCount = 0;

  constructor(private readonly parameters: Map<string, Tensor>, private readonly settings: AdamwSettings = DEFAULT_ADAMW) {
    for (const [name, parameter] of parameters) {
      const kernels = kernelsOfBuffer(parameter.buffer);
      this.firstMoments.set(name, new Tensor(kernels.allocate(parameter.size, 'persistent'), parameter.shape));
      this.secondMoments.set(name, new Tensor(kernels.allocate(parameter.size, 'persistent'), parameter.shape));
    }
  }

  /** Global L2 norm of all gradients; scales them down to `maxNorm` when above it. Returns the norm before clipping. */
  clipGradientNorm(maxNorm: number): number {
    return clipGradNorm([...this.parameters.values()], maxNorm);
  }

  step(learningRate: number): void {
    this.stepCount += 1;
    const { beta1, beta2, epsilon, weightDecay } = this.settings;
    const args = {
      lr: learningRate, beta1, beta2, eps: epsilon, weightDecay,
      biasCorrection1: 1 - beta1 ** this.stepCount, biasCorrection2: 1 - beta2 ** this.stepCount,
    };
    for (const [name, parameter] of this.parameters) {
      if (!parameter.gradBuffer) continue;
      kernelsOfBuffer(parameter.buffer).adamw(parameter.buffer, parameter.gradBuffer, this.firstMoments.get(name)!.buffer, this.secondMoments.get(name)!.buffer, args);
    }
  }

  zeroGradients(): void {
    for (const parameter of this.parameters.values()) parameter.zeroGrad();
  }

  exportMoments(): TensorMap {
    const moments: TensorMap = new Map();
    for (const [name, parameter] of this.parameters) {
      moments.set(`m/${name}`, { shape: parameter.shape, data: this.firstMoments.get(name)!.toHost().slice() });
      moments.set(`v/${name}`, { shape: parameter.shape, data: this.secondMoments.get(name)!.toHost().slice() });
    }
    return moments;
  }

  importMoments(moments: TensorMap, stepCount: number): void {
    for (const name of this.parameters.keys()) {
      const first = moments.get(`m/${name}`);
      const second = moments.get(`v/${name}`);
      if (!first || !second) throw new Error(`checkpoint: optimizer moments for ${name} are missing`);
      this.firstMoments.get(name)!.assign(first.data);
      this.secondMoments.get(name)!.assign(second.data);
    }
    this.stepCount = stepCount;
  }
}
