// Tensor: fp32 values on the host or a device, with shape metadata, an optional gradient and its place on the autograd tape.
import type { Rng } from './random';
import { deviceOf, kernelsOfBuffer, kernelsOfDevice, nameOfDevice, type Buffer, type Device } from './device';

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
  /** The values: a Float32Array on the host, a handle on a device table. */
  buffer: Buffer;
  gradBuffer: Buffer | null = null;
  requiresGrad: boolean;
  /** Inputs this tensor was computed from (empty for leaves). */
  parents: Tensor[] = [];
  /** Accumulates this tensor's gradient into its parents' gradients; null for leaves and untracked results. */
  backwardFn: (() => void) | null = null;
  /** Op name, for error messages and debugging. */
  op: string;
  name: string | undefined;

  constructor(data: Buffer, shape: Shape, options: { requiresGrad?: boolean; op?: string; name?: string } = {}) {
    const size = sizeOf(shape);
    if (data.length !== size) throw new Error(`tensor data has ${data.length} elements but shape ${formatShape(shape)} needs ${size}`);
    this.buffer = data;
    this.shape = [...shape];
    this.requiresGrad = options.requiresGrad ?? false;
    this.op = options.op ?? 'leaf';
    this.name = options.name;
  }

  get device(): Device {
    return deviceOf(this.buffer);
  }

  /** Host values; a device tensor refuses, so no code reads device memory by accident (use toHost()). */
  get data(): Float32Array {
    if (this.buffer instanceof Float32Array) return this.buffer;
    throw new Error(`${this.describe()} lives on ${nameOfDevice(this.device)}; read it with toHost() (a counted transfer)`);
  }

  set data(values: Float32Array) {
    this.buffer = values;
  }

  /** Host gradient (null where none); a device tensor's gradient is read through gradBuffer. */
  get grad(): Float32Array | null {
    if (this.gradBuffer === null || this.gradBuffer instanceof Float32Array) return this.gradBuffer;
    throw new Error(`the gradient of ${this.describe()} lives on ${nameOfDevice(this.device)}; use gradBuffer`);
  }

  set grad(values: Buffer | null) {
    this.gradBuffer = values;
  }

  get size(): number {
    return this.buffer.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.backwardFn === null;
  }

  /** The value of a one-element tensor (a 4-byte download on a device). */
  item(): number {
    if (this.size !== 1) throw new Error(`item() needs a one-element tensor, received shape ${formatShape(this.shape)}`);
    return kernelsOfBuffer(this.buffer).download(this.buffer)[0];
  }

  /** Gradient buffer, allocated (zeroed) on first use where the values live; a leaf's outlives device scopes. */
  ensureGradBuffer(): Buffer {
    if (this.gradBuffer === null) this.gradBuffer = kernelsOfBuffer(this.buffer).allocate(this.size, this.isLeaf ? 'persistent' : 'transient');
    return this.gradBuffer;
  }

  /** Host gradient buffer, allocated (zeroed) on first use. */
  ensureGrad(): Float32Array {
    const grad = this.ensureGradBuffer();
    if (grad instanceof Float32Array) return grad;
    throw new Error(`the gradient of ${this.describe()} lives on ${nameOfDevice(this.device)}; use ensureGradBuffer()`);
  }

  zeroGrad(): void {
    if (this.gradBuffer !== null) kernelsOfBuffer(this.gradBuffer).fill(this.gradBuffer, 0);
  }

  /** Same data, cut from the tape. */
  detach(): Tensor {
    return new Tensor(this.buffer, this.shape, { op: 'detach' });
  }

  clone(): Tensor {
    const kernels = kernelsOfBuffer(this.buffer);
    const copy = kernels.allocate(this.size);
    kernels.copyBlocks({ source: this.buffer, sourceOffset: 0, sourceStride: 0, target: copy, targetOffset: 0, targetStride: 0, blockLength: this.size, blocks: 1, accumulate: false });
    return new Tensor(copy, this.shape, { requiresGrad: this.requiresGrad, name: this.name });
  }

  /** The values in host memory: the tensor itself on the host, a counted download from a device. */
  toHost(): Float32Array {
    return kernelsOfBuffer(this.buffer).download(this.buffer);
  }

  /**
   * The same values on `device` (this tensor where they already are), as a leaf keeping requiresGrad and name.
   * Buffers moved to a device table are persistent: weights and adapters live there for the whole job.
   */
  toDevice(device: Device): Tensor {
    if (deviceOf(this.buffer) === device) return this;
    const host = this.toHost();
    const moved = new Tensor(device === 'cpu' ? host.slice() : kernelsOfDevice(device).allocate(host.length, 'persistent'), this.shape, { requiresGrad: this.requiresGrad, name: this.name });
    if (device !== 'cpu') moved.assign(host);
    return moved;
  }

  /** Overwrites the values with host values of the same length (a checkpoint restore; counted upload on a device). */
  assign(values: Float32Array): void {
    if (values.length !== this.size) throw new Error(`${this.describe()}: cannot assign ${values.length} values to ${this.size}`);
    if (this.buffer instanceof Float32Array) {
      this.buffer.set(values);
      return;
    }
    const kernels = kernelsOfBuffer(this.buffer);
    kernels.copyBlocks({ source: kernels.upload(values), sourceOffset: 0, sourceStride: 0, target: this.buffer, targetOffset: 0, targetStride: 0, blockLength: values.length, blocks: 1, accumulate: false });
  }

  toArray(): number[] {
    return Array.from(this.toHost());
  }

  private describe(): string {
    return `tensor ${this.name ?? this.op} ${formatShape(this.shape)}`;
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
  if (data instanceof Tensor) return new Tensor(data.buffer, shape ?? data.shape, { requiresGrad: true, name: name ?? data.name });
  return new Tensor(data, shape ?? [data.length], { requiresGrad: true, name });
}
