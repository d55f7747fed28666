// AdamW over named parameters, with moments the checkpoint can save and restore exactly.
import { getBackend } from '../tensor/backend';
import type { Tensor } from '../tensor/tensor';
import type { TensorMap } from '../safetensors/safetensors-types';

export interface AdamwSettings {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamwSettings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };

export class AdamwOptimizer {
  private readonly firstMoments = new Map<string, Float32Array>();
  private readonly secondMoments = new Map<string, Float32Array>();
  stepCount = 0;

  constructor(private readonly parameters: Map<string, Tensor>, private readonly settings: AdamwSettings = DEFAULT_ADAMW) {
    for (const [name, parameter] of parameters) {
      this.firstMoments.set(name, new Float32Array(parameter.size));
      this.secondMoments.set(name, new Float32Array(parameter.size));
    }
  }

  /** Global L2 norm of all gradients; scales them down to `maxNorm` when above it. Returns the norm before clipping. */
  clipGradientNorm(maxNorm: number): number {
    const backend = getBackend();
    let squares = 0;
    for (const parameter of this.parameters.values()) if (parameter.grad) squares += backend.sumSquares(parameter.grad);
    const norm = Math.sqrt(squares);
    if (Number.isFinite(norm) && norm > maxNorm) {
      const factor = maxNorm / (norm + 1e-6);
      for (const parameter of this.parameters.values()) if (parameter.grad) backend.scaleInPlace(parameter.grad, factor);
    }
    return norm;
  }

  step(learningRate: number): void {
    this.stepCount += 1;
    const backend = getBackend();
    const { beta1, beta2, epsilon, weightDecay } = this.settings;
    const args = {
      lr: learningRate, beta1, beta2, eps: epsilon, weightDecay,
      biasCorrection1: 1 - beta1 ** this.stepCount, biasCorrection2: 1 - beta2 ** this.stepCount,
    };
    for (const [name, parameter] of this.parameters) {
      if (!parameter.grad) continue;
      backend.adamw(parameter.data, parameter.grad, this.firstMoments.get(name)!, this.secondMoments.get(name)!, args);
    }
  }

  zeroGradients(): void {
    for (const parameter of this.parameters.values()) parameter.zeroGrad();
  }

  exportMoments(): TensorMap {
    const moments: TensorMap = new Map();
    for (const [name, parameter] of this.parameters) {
      moments.set(`m/${name}`, { shape: parameter.shape, data: this.firstMoments.get(name)!.slice() });
      moments.set(`v/${name}`, { shape: parameter.shape, data: this.secondMoments.get(name)!.slice() });
    }
    return moments;
  }

  importMoments(moments: TensorMap, stepCount: number): void {
    for (const name of this.parameters.keys()) {
      const first = moments.get(`m/${name}`);
      const second = moments.get(`v/${name}`);
      if (!first || !second) throw new Error(`checkpoint: optimizer moments for ${name} are missing`);
      this.firstMoments.get(name)!.set(first.data);
      this.secondMoments.get(name)!.set(second.data);
    }
    this.stepCount = stepCount;
  }
}
