// Matmul and embedding lookup over a frozen bf16 matrix. On the host it is expanded a block of rows at a time so no
// full float32 copy of the weight ever exists; on a device table the table's bf16 kernels read the uploaded bits.
// Gradients flow to the input only.
import { needsGrad, record } from '../tensor/autograd';
import { getBackend } from '../tensor/backend';
import type { DeviceBuffer, DeviceTable } from '../tensor/device';
import { kernelsFor } from '../tensor/ops/kernels-for';
import { formatShape, sizeOf, Tensor } from '../tensor/tensor';
import { Bfloat16Tensor, expandBfloat16 } from './bfloat16-weight';

/** Float32 values expanded per block: about 16 MB, whatever the matrix's size. */
const BLOCK_ELEMENTS = 1 << 22;
let scratch = new Float32Array(0);

function blockBuffer(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

/** Visits the matrix's rows in blocks, each expanded into scratch: (first row, row count, values). */
function forEachBlock(weight: Bfloat16Tensor, blockElements: number, visit: (first: number, rows: number, values: Float32Array) => void): void {
  const [rowCount, columns] = weight.shape;
  const blockRows = Math.max(1, Math.floor(blockElements / columns));
  const values = blockBuffer(Math.min(rowCount, blockRows) * columns);
  for (let first = 0; first < rowCount; first += blockRows) {
    const rows = Math.min(blockRows, rowCount - first);
    expandBfloat16(weight.bits, first * columns, rows * columns, values);
    visit(first, rows, values);
  }
}

/** x·Wᵀ and its input gradient dY·W by the table's bf16 GEMM over the bits already on the device. */
function matmulOnDevice(x: Tensor, weight: Bfloat16Tensor, table: DeviceTable, out: Tensor): Tensor {
  const [outputs, inputs] = weight.shape;
  const shape = { m: x.size / inputs, outputs, inputs, weight: weight.deviceBits! };
  table.gemmBfloat16Weight({ ...shape, transposeWeight: true, x: x.buffer as DeviceBuffer, out: out.buffer as DeviceBuffer, accumulate: false });
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    table.gemmBfloat16Weight({ ...shape, transposeWeight: false, x: out.gradBuffer as DeviceBuffer, out: x.ensureGradBuffer() as DeviceBuffer, accumulate: true });
  });
}

/** x [..., in] · Wᵀ for W [out, in] held as bf16: [..., out]. */
export function matmulBfloat16(x: Tensor, weight: Bfloat16Tensor, blockElements = BLOCK_ELEMENTS): Tensor {
  const [outputs, inputs] = weight.shape;
  if (weight.rank !== 2 || x.shape[x.rank - 1] !== inputs) throw new Error(`matmulBfloat16(${formatShape(x.shape)}, ${formatShape(weight.shape)}ᵀ): expected x's last dimension to be ${inputs}`);
  const kernels = kernelsFor('matmulBfloat16', x, weight);
  const m = x.size / inputs;
  const out = new Tensor(kernels.allocate(m * outputs), [...x.shape.slice(0, -1), outputs], { op: 'matmulBfloat16' });
  if (x.device !== 'cpu') return matmulOnDevice(x, weight, x.device, out);
  const backend = getBackend();
  const shared = { batch: 1, strideA: 0, strideB: 0, strideC: 0, alpha: 1, aOffset: 0, bOffset: 0 };
  forEachBlock(weight, blockElements, (first, rows, values) => {
    backend.gemm({ ...shared, transposeA: false, transposeB: true, m, n: rows, k: inputs, beta: 0, a: x.data, lda: inputs, b: values, ldb: inputs, c: out.data, cOffset: first, ldc: outputs });
  });
  if (!needsGrad(x)) return out;
  return record(out, [x], () => {
    const gradX = x.ensureGrad();
    forEachBlock(weight, blockElements, (first, rows, values) => {
      // dX[m, in] += dY[m, first:first+rows] · W[first:first+rows, in]
      backend.gemm({ ...shared, transposeA: false, transposeB: false, m, n: inputs, k: rows, beta: 1, a: out.grad!, aOffset: first, lda: outputs, b: values, ldb: inputs, c: gradX, cOffset: 0, ldc: inputs });
    });
  });
}

/** Rows of a bf16 [vocab, dim] table for `ids`, shaped [...shape, dim]; frozen, so no gradient. */
export function embeddingBfloat16(weight: Bfloat16Tensor, ids: Int32Array, shape: readonly number[]): Tensor {
  const [vocab, dim] = weight.shape;
  if (sizeOf(shape) !== ids.length) throw new Error(`embeddingBfloat16: ${ids.length} ids do not fill shape ${formatShape(shape)}`);
  for (let index = 0; index < ids.length; index += 1) {
    if (ids[index] < 0 || ids[index] >= vocab) throw new Error(`embedding: token id ${ids[index]} at position ${index} is outside the vocabulary [0, ${vocab})`);
  }
  const kernels = kernelsFor('embeddingBfloat16', weight);
  const out = new Tensor(kernels.allocate(ids.length * dim), [...shape, dim], { op: 'embeddingBfloat16' });
  const device = weight.device;
  if (device !== 'cpu') device.embeddingBfloat16(weight.deviceBits!, ids, dim, out.buffer as DeviceBuffer);
  else for (let index = 0; index < ids.length; index += 1) expandBfloat16(weight.bits, ids[index] * dim, dim, out.data.subarray(index * dim, (index + 1) * dim));
  return out;
}
