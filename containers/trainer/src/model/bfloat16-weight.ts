// A frozen weight matrix kept as bfloat16 bits (half a float32 copy); the model expands it a block at a time.
import type { Shape } from '../tensor/tensor';
import { Tensor } from '../tensor/tensor';

import { expandBfloat16 } from '../tensor/devices/expand-bfloat16';

export { expandBfloat16 };

/**
 * A Tensor whose values live as bf16 bits. The model's matmul and embedding read the bits block by block; any other
 * reader of `data` gets a fresh float32 expansion (a transient copy), so code written for float32 weights still works.
 * It never trains: making the base trainable converts it to a float32 tensor first.
 */
export class Bfloat16Tensor extends Tensor {
  constructor(readonly bits: Uint16Array, shape: Shape, name?: string) {
    super(new Float32Array(0), [0], { name });
    this.shape = [...shape];
    Object.defineProperty(this, 'data', {
      configurable: true,
      get: () => this.toFloat32().data,
      set: () => {
        throw new Error(`${name ?? 'tensor'}: a bf16 weight is read-only; convert it with toFloat32() to change it`);
      },
    });
  }

  override get size(): number {
    return this.bits.length;
  }

  /** The values as float32 in host memory (a fresh expansion). */
  override toHost(): Float32Array {
    return this.toFloat32().data;
  }

  /** A float32 copy (full fine-tuning, merging, export). */
  toFloat32(): Tensor {
    const data = new Float32Array(this.bits.length);
    expandBfloat16(this.bits, 0, this.bits.length, data);
    return new Tensor(data, this.shape, { name: this.name });
  }
}
