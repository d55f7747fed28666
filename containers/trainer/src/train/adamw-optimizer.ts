// AdamW over named parameters, with moments the checkpoint can save and restore exactly.
import { kernelsOfBuffer, type Buffer } from '../tensor/device';
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
  /** Moments live where their parameter lives (persistent device buffers for a device-resident model). */
  private readonly firstMoments = new Map<string, Buffer>();
  private readonly secondMoments = new Map<string, Buffer>();
  stepCount = 0;

  constructor(private readonly parameters: Map<string, Tensor>, private readonly settings: AdamwSettings = DEFAULT_ADAMW) {
    for (const [name, parameter] of parameters) {
      const kernels = kernelsOfBuffer(parameter.buffer);
      this.firstMoments.set(name, kernels.allocate(parameter.size, 'persistent'));
      this.secondMoments.set(name, kernels.allocate(parameter.size, 'persistent'));
    }
  }

  /** Global L2 norm of all gradients; scales them down to `maxNorm` when above it. Returns the norm before clipping. */
  clipGradientNorm(maxNorm: number): number {
    const gradients = [...this.parameters.values()].map((parameter) => parameter.gradBuffer).filter((grad): grad is Buffer => grad !== null);
    if (gradients.length === 0) return 0;
    const kernels = kernelsOfBuffer(gradients[0]);
    const norm = Math.sqrt(sumSquares(kernels, gradients));
    if (Number.isFinite(norm) && norm > maxNorm) {
      const factor = maxNorm / (norm + 1e-6);
      for (const grad of gradients) kernels.scaleInPlace(grad, factor);
    }
    return norm;
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
      kernelsOfBuffer(parameter.buffer).adamw(parameter.buffer, parameter.gradBuffer, this.firstMoments.get(name)!, this.secondMoments.get(name)!, args);
    }
  }

  zeroGradients(): void {
    for (const parameter of this.parameters.values()) parameter.zeroGrad();
  }

  exportMoments(): TensorMap {
    const moments: TensorMap = new Map();
    for (const [name, parameter] of this.parameters) {
      moments.set(`m/${name}`, { shape: parameter.shape, data: copyToHost(this.firstMoments.get(name)!) });
      moments.set(`v/${name}`, { shape: parameter.shape, data: copyToHost(this.secondMoments.get(name)!) });
    }
    return moments;
  }

  importMoments(moments: TensorMap, stepCount: number): void {
    for (const name of this.parameters.keys()) {
      const first = moments.get(`m/${name}`);
      const second = moments.get(`v/${name}`);
      if (!first || !second) throw new Error(`checkpoint: optimizer moments for ${name} are missing`);
      assignFromHost(this.firstMoments.get(name)!, first.data);
      assignFromHost(this.secondMoments.get(name)!, second.data);
    }
    this.stepCount = stepCount;
  }
}

function copyToHost(buffer: Buffer): Float32Array {
  return kernelsOfBuffer(buffer).download(buffer).slice();
}

function assignFromHost(buffer: Buffer, values: Float32Array): void {
  const kernels = kernelsOfBuffer(buffer);
  kernels.copyBlocks({ source: kernels.upload(values), sourceOffset: 0, sourceStride: 0, target: buffer, targetOffset: 0, targetStride: 0, blockLength: values.length, blocks: 1, accumulate: false });
}

/** Σ of every gradient's squares: in float64 on the host; on a device they add up there and one number crosses. */
function sumSquares(kernels: ReturnType<typeof kernelsOfBuffer>, gradients: Buffer[]): number {
  if (gradients[0] instanceof Float32Array) return gradients.reduce((total, grad) => total + kernels.sumSquares(grad), 0);
  const squares = kernels.allocate(1);
  for (const grad of gradients) kernels.sumSquaresInto(grad, squares);
  return kernels.download(squares)[0];
}
