// Tensor: fp32 data on the CPU with shape metadata, an optional gradient and its place on the autograd tape.
import type { Rng } from './random';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const dimension of shape) {
    if (!Number.isInteger(dimension) || dimension < 0) throw new Error(`invalid shape [${shape.join(', ')}]: expected non-negative integer dimensions`);
    size *= dimension;
  }
  return size;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export class Tensor {
  shape: number[];
  data: Float32Array;
  grad: Float32Array | null = null;
  requiresGrad: boolean;
  /** Inputs this tensor was computed from (empty for leaves). */
  parents: Tensor[] = [];
  /** Accumulates this tensor's gradient into its parents' gradients; null for leaves and untracked results. */
  backwardFn: (() => void) | null = null;
  /** Op name, for error messages and debugging. */
  op: string;
  name: string | undefined;

  constructor(data: Float32Array, shape: Shape, options: { requiresGrad?: boolean; op?: string; name?: string } = {}) {
    const size = sizeOf(shape);
    if (data.length !== size) throw new Error(`tensor data has ${data.length} elements but shape ${formatShape(shape)} needs ${size}`);
    this.data = data;
    this.shape = [...shape];
    this.requiresGrad = options.requiresGrad ?? false;
    this.op = options.op ?? 'leaf';
    this.name = options.name;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.backwardFn === null;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new Error(`item() needs a one-element tensor, received shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /** Gradient buffer, allocated (zeroed) on first use. */
  ensureGrad(): Float32Array {
    if (this.grad === null) this.grad = new Float32Array(this.data.length);
    return this.grad;
  }

  zeroGrad(): void {
    if (this.grad !== null) this.grad.fill(0);
  }

  /** Same data, cut from the tape. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, { op: 'detach' });
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, { requiresGrad: this.requiresGrad, name: this.name });
  }

  toArray(): number[] {
    return Array.from(this.data);
  }
}

export function zeros(shape: Shape, options: { requiresGrad?: boolean } = {}): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape, options);
}

export function ones(shape: Shape, options: { requiresGrad?: boolean } = {}): Tensor {
  return full(shape, 1, options);
}

export function full(shape: Shape, value: number, options: { requiresGrad?: boolean } = {}): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, options);
}

export function scalar(value: number): Tensor {
  return new Tensor(Float32Array.of(value), []);
}

export function fromArray(data: ArrayLike<number> | Float32Array, shape?: Shape, options: { requiresGrad?: boolean } = {}): Tensor {
  const array = data instanceof Float32Array ? data : Float32Array.from(data);
  return new Tensor(array, shape ?? [array.length], options);
}

/** Normal(0, scale²) entries drawn from `rng`. */
export function randn(shape: Shape, rng: Rng, scale = 1, options: { requiresGrad?: boolean } = {}): Tensor {
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.nextNormal() * scale;
  return new Tensor(data, shape, options);
}

/** A trainable leaf: wraps the data (no copy) and requires grad. */
export function parameter(data: Float32Array | Tensor, shape?: Shape, name?: string): Tensor {
  if (data instanceof Tensor) return new Tensor(data.data, shape ?? data.shape, { requiresGrad: true, name: name ?? data.name });
  return new Tensor(data, shape ?? [data.length], { requiresGrad: true, name });
}
