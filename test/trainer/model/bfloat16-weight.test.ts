// Frozen bf16 weights: block-wise matmul and embedding equal float32 ones on the same values, gradients included.
import { embeddingBfloat16, matmulBfloat16 } from '../../../containers/trainer/src/model/bfloat16-ops';
import { Bfloat16Tensor } from '../../../containers/trainer/src/model/bfloat16-weight';
import { float32ToBfloat16 } from '../../../containers/trainer/src/safetensors/bfloat16';
import { backward } from '../../../containers/trainer/src/tensor/autograd';
import { embedding, matmul, mul, sum } from '../../../containers/trainer/src/tensor/ops';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { randn, Tensor } from '../../../containers/trainer/src/tensor/tensor';

function createWeight(rows: number, columns: number, rng: Rng): Bfloat16Tensor {
  const bits = new Uint16Array(rows * columns);
  for (let index = 0; index < bits.length; index += 1) bits[index] = float32ToBfloat16(rng.nextNormal());
  return new Bfloat16Tensor(bits, [rows, columns], 'weight');
}

describe('bf16 weights', () => {
  it('multiplies block by block exactly as the float32 expansion does, and back-propagates into the input', () => {
    const rng = new Rng(7);
    const weight = createWeight(11, 6, rng);
    const expanded = weight.toFloat32();
    const probe = randn([2, 3, 11], rng);
    const run = (multiply: (x: Tensor) => Tensor) => {
      const x = new Tensor(randn([2, 3, 6], new Rng(3)).data, [2, 3, 6], { requiresGrad: true });
      const y = multiply(x);
      backward(sum(mul(y, probe)));
      return { y: y.data, grad: x.grad! };
    };
    // 18 values per block: three blocks of rows (3, 3, ... 2), so block seams and the remainder are exercised.
    const blocked = run((x) => matmulBfloat16(x, weight, 18));
    const plain = run((x) => matmul(x, expanded, { transposeB: true }));
    blocked.y.forEach((value, index) => expect(value).toBeCloseTo(plain.y[index], 5));
    blocked.grad.forEach((value, index) => expect(value).toBeCloseTo(plain.grad[index], 5));
  });

  it('looks rows up, keeps its size in bits, and refuses writes through data', () => {
    const weight = createWeight(5, 4, new Rng(1));
    const ids = Int32Array.of(4, 0, 4);
    expect(Array.from(embeddingBfloat16(weight, ids, [3]).data)).toEqual(Array.from(embedding(weight.toFloat32(), ids, [3]).data));
    expect(weight.size).toBe(20);
    expect(weight.bits.byteLength).toBe(40);
    expect(() => { (weight as { data: Float32Array }).data = new Float32Array(20); }).toThrow(/read-only/);
    expect(() => embeddingBfloat16(weight, Int32Array.of(5), [1])).toThrow(/outside the vocabulary/);
  });
});
