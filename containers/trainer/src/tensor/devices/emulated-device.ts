// A device table in host memory: the interface, allocator and scopes of the CUDA table, the CPU backend's kernels,
// and a count of every transfer, so tests without a GPU prove what stays resident and what crosses.
import { type Bfloat16GemmArgs, DeviceBuffer, type DeviceTable } from '../device';
import { getBackend } from '../backend';
import type { AdamwArgs, AttentionShape, BufferLifetime, CopyBlocksArgs, GemmArgs, RopeShape, SamplingArgs } from '../kernels';
import { copyBlocksOnHost, hostBufferKernels, sampleTokensOnHost } from '../backends/host-buffer-kernels';
import type { RotationShape, WindowedAttentionShape } from '../family-kernels';
import { hostFamilyKernels } from '../backends/host-family-kernels';
import { expandBfloat16 } from './expand-bfloat16';
import { DeviceTableBase } from './device-table-base';

let tables = 0;

export class EmulatedDevice extends DeviceTableBase implements DeviceTable {
  readonly name = 'emulated-device' as const;
  readonly deviceName: string;
  private readonly blocks: Map<number, ArrayBuffer>;

  constructor(options: { capacityBytes?: number } = {}) {
    const blocks = new Map<number, ArrayBuffer>();
    let next = 1;
    let reserved = 0;
    const capacity = options.capacityBytes ?? Number.POSITIVE_INFINITY;
    super({
      reserve: (bytes) => {
        if (reserved + bytes > capacity) return null;
        reserved += bytes;
        blocks.set(next, new ArrayBuffer(bytes));
        return next++;
      },
      unreserve: (id) => {
        reserved -= blocks.get(id)?.byteLength ?? 0;
        blocks.delete(id);
      },
    });
    this.blocks = blocks;
    this.deviceName = `emulated:${tables++}`;
  }

  allocate(length: number, lifetime: BufferLifetime = 'transient'): DeviceBuffer {
    return this.allocateBuffer(length, lifetime);
  }

  upload(values: Float32Array): DeviceBuffer {
    const buffer = this.allocate(values.length);
    this.countUpload(values.byteLength);
    this.floats(buffer).set(values);
    return buffer;
  }

  download(buffer: DeviceBuffer): Float32Array {
    const values = this.floats(buffer).slice();
    this.countDownload(values.byteLength);
    return values;
  }

  uploadBfloat16(bits: Uint16Array): DeviceBuffer {
    const buffer = this.allocateBuffer(bits.length, 'persistent', 'bfloat16');
    this.countUpload(bits.byteLength);
    this.halves(buffer).set(bits);
    return buffer;
  }

  synchronize(): void {}

  fill(buffer: DeviceBuffer, value: number): void {
    this.floats(buffer).fill(value);
  }

  copyBlocks(args: CopyBlocksArgs<DeviceBuffer>): void {
    copyBlocksOnHost({ ...args, source: this.floats(args.source), target: this.floats(args.target) });
  }

  permute(source: DeviceBuffer, shape: readonly number[], axisA: number, axisB: number, target: DeviceBuffer, accumulate: boolean): void {
    hostBufferKernels.permute(this.floats(source), shape, axisA, axisB, this.floats(target), accumulate);
  }

  sumSquaresInto(x: DeviceBuffer, out: DeviceBuffer): void {
    this.floats(out)[0] += getBackend().sumSquares(this.floats(x));
  }

  sampleTokens(logits: DeviceBuffer, args: SamplingArgs): Int32Array {
    this.countUpload(args.temperatures.byteLength + args.topPs.byteLength + args.draws.byteLength);
    const ids = sampleTokensOnHost(this.floats(logits), args);
    this.countDownload(ids.byteLength);
    return ids;
  }

  gemm(g: GemmArgs<DeviceBuffer>): void {
    getBackend().gemm({ ...g, a: this.floats(g.a), b: this.floats(g.b), c: this.floats(g.c) });
  }

  gemmBfloat16Weight(g: Bfloat16GemmArgs): void {
    const weight = new Float32Array(g.outputs * g.inputs);
    expandBfloat16(this.halves(g.weight), 0, weight.length, weight);
    const shared = { batch: 1, strideA: 0, strideB: 0, strideC: 0, alpha: 1, aOffset: 0, bOffset: 0, cOffset: 0, beta: g.accumulate ? 1 : 0 };
    const x = this.floats(g.x);
    const out = this.floats(g.out);
    if (g.transposeWeight) getBackend().gemm({ ...shared, transposeA: false, transposeB: true, m: g.m, n: g.outputs, k: g.inputs, a: x, lda: g.inputs, b: weight, ldb: g.inputs, c: out, ldc: g.outputs });
    else getBackend().gemm({ ...shared, transposeA: false, transposeB: false, m: g.m, n: g.inputs, k: g.outputs, a: x, lda: g.outputs, b: weight, ldb: g.inputs, c: out, ldc: g.inputs });
  }

  embeddingBfloat16(weight: DeviceBuffer, ids: Int32Array, dim: number, out: DeviceBuffer): void {
    this.countIndices(ids);
    const bits = this.halves(weight);
    const values = this.floats(out);
    for (let index = 0; index < ids.length; index += 1) expandBfloat16(bits, ids[index] * dim, dim, values.subarray(index * dim, (index + 1) * dim));
  }

  addBroadcast(a: DeviceBuffer, b: DeviceBuffer, out: DeviceBuffer): void {
    getBackend().addBroadcast(this.floats(a), this.floats(b), this.floats(out));
  }

  mulBroadcast(a: DeviceBuffer, b: DeviceBuffer, out: DeviceBuffer): void {
    getBackend().mulBroadcast(this.floats(a), this.floats(b), this.floats(out));
  }

  axpy(alpha: number, x: DeviceBuffer, y: DeviceBuffer): void {
    getBackend().axpy(alpha, this.floats(x), this.floats(y));
  }

  sumRowsInto(alpha: number, x: DeviceBuffer, out: DeviceBuffer): void {
    getBackend().sumRowsInto(alpha, this.floats(x), this.floats(out));
  }

  mulAccumulate(x: DeviceBuffer, y: DeviceBuffer, out: DeviceBuffer): void {
    getBackend().mulAccumulate(this.floats(x), this.floats(y), this.floats(out));
  }

  mulSumRowsInto(x: DeviceBuffer, y: DeviceBuffer, out: DeviceBuffer): void {
    getBackend().mulSumRowsInto(this.floats(x), this.floats(y), this.floats(out));
  }

  exp(x: DeviceBuffer, out: DeviceBuffer): void {
    getBackend().exp(this.floats(x), this.floats(out));
  }

  /** The sum crosses to the host as one scalar. */
  sum(x: DeviceBuffer): number {
    this.countDownload(8);
    return getBackend().sum(this.floats(x));
  }

  sumSquares(x: DeviceBuffer): number {
    this.countDownload(8);
    return getBackend().sumSquares(this.floats(x));
  }

  scaleInPlace(x: DeviceBuffer, alpha: number): void {
    getBackend().scaleInPlace(this.floats(x), alpha);
  }

  embeddingForward(weight: DeviceBuffer, ids: Int32Array, dim: number, out: DeviceBuffer): void {
    this.countIndices(ids);
    getBackend().embeddingForward(this.floats(weight), ids, dim, this.floats(out));
  }

  embeddingBackward(ids: Int32Array, gradOut: DeviceBuffer, dim: number, gradWeight: DeviceBuffer): void {
    this.countIndices(ids);
    getBackend().embeddingBackward(ids, this.floats(gradOut), dim, this.floats(gradWeight));
  }

  rmsNormForward(x: DeviceBuffer, weight: DeviceBuffer, dim: number, eps: number, out: DeviceBuffer, inverseRms: DeviceBuffer): void {
    getBackend().rmsNormForward(this.floats(x), this.floats(weight), dim, eps, this.floats(out), this.floats(inverseRms));
  }

  rmsNormBackward(x: DeviceBuffer, weight: DeviceBuffer, inverseRms: DeviceBuffer, gradOut: DeviceBuffer, dim: number, gradX: DeviceBuffer, gradWeight: DeviceBuffer | null): void {
    getBackend().rmsNormBackward(this.floats(x), this.floats(weight), this.floats(inverseRms), this.floats(gradOut), dim, this.floats(gradX), this.optional(gradWeight));
  }

  rope(x: DeviceBuffer, out: DeviceBuffer, shape: RopeShape, direction: 1 | -1, accumulate: boolean): void {
    this.countIndices(shape.positions);
    getBackend().rope(this.floats(x), this.floats(out), shape, direction, accumulate);
  }

  attentionForward(q: DeviceBuffer, k: DeviceBuffer, v: DeviceBuffer, shape: AttentionShape, out: DeviceBuffer, probabilities: DeviceBuffer): void {
    this.countIndices(shape.keyMask);
    getBackend().attentionForward(this.floats(q), this.floats(k), this.floats(v), shape, this.floats(out), this.floats(probabilities));
  }

  attentionBackward(q: DeviceBuffer, k: DeviceBuffer, v: DeviceBuffer, probabilities: DeviceBuffer, gradOut: DeviceBuffer, shape: AttentionShape, gradQ: DeviceBuffer | null, gradK: DeviceBuffer | null, gradV: DeviceBuffer | null): void {
    this.countIndices(shape.keyMask);
    getBackend().attentionBackward(this.floats(q), this.floats(k), this.floats(v), this.floats(probabilities), this.floats(gradOut), shape, this.optional(gradQ), this.optional(gradK), this.optional(gradV));
  }

  siluForward(x: DeviceBuffer, out: DeviceBuffer): void {
    getBackend().siluForward(this.floats(x), this.floats(out));
  }

  siluBackward(x: DeviceBuffer, gradOut: DeviceBuffer, gradX: DeviceBuffer): void {
    getBackend().siluBackward(this.floats(x), this.floats(gradOut), this.floats(gradX));
  }

  swigluForward(gate: DeviceBuffer, up: DeviceBuffer, out: DeviceBuffer): void {
    getBackend().swigluForward(this.floats(gate), this.floats(up), this.floats(out));
  }

  swigluBackward(gate: DeviceBuffer, up: DeviceBuffer, gradOut: DeviceBuffer, gradGate: DeviceBuffer | null, gradUp: DeviceBuffer | null): void {
    getBackend().swigluBackward(this.floats(gate), this.floats(up), this.floats(gradOut), this.optional(gradGate), this.optional(gradUp));
  }

  logSoftmaxGatherForward(logits: DeviceBuffer, targets: Int32Array, vocab: number, logProbs: DeviceBuffer, logSumExp: DeviceBuffer): void {
    this.countIndices(targets);
    getBackend().logSoftmaxGatherForward(this.floats(logits), targets, vocab, this.floats(logProbs), this.floats(logSumExp));
  }

  logSoftmaxGatherBackward(logits: DeviceBuffer, targets: Int32Array, logSumExp: DeviceBuffer, gradLogProbs: DeviceBuffer, vocab: number, gradLogits: DeviceBuffer): void {
    this.countIndices(targets);
    getBackend().logSoftmaxGatherBackward(this.floats(logits), targets, this.floats(logSumExp), this.floats(gradLogProbs), vocab, this.floats(gradLogits));
  }

  adamw(param: DeviceBuffer, grad: DeviceBuffer, m: DeviceBuffer, v: DeviceBuffer, args: AdamwArgs): void {
    getBackend().adamw(this.floats(param), this.floats(grad), this.floats(m), this.floats(v), args);
  }

  minimumForward(a: DeviceBuffer, b: DeviceBuffer, out: DeviceBuffer): void {
    hostFamilyKernels.minimumForward(this.floats(a), this.floats(b), this.floats(out));
  }

  minimumBackward(a: DeviceBuffer, b: DeviceBuffer, gradOut: DeviceBuffer, gradA: DeviceBuffer | null, gradB: DeviceBuffer | null): void {
    hostFamilyKernels.minimumBackward(this.floats(a), this.floats(b), this.floats(gradOut), this.optional(gradA), this.optional(gradB));
  }

  clampForward(x: DeviceBuffer, low: number, high: number, out: DeviceBuffer): void {
    hostFamilyKernels.clampForward(this.floats(x), low, high, this.floats(out));
  }

  clampBackward(x: DeviceBuffer, low: number, high: number, gradOut: DeviceBuffer, gradX: DeviceBuffer): void {
    hostFamilyKernels.clampBackward(this.floats(x), low, high, this.floats(gradOut), this.floats(gradX));
  }

  softCapForward(x: DeviceBuffer, cap: number, out: DeviceBuffer): void {
    hostFamilyKernels.softCapForward(this.floats(x), cap, this.floats(out));
  }

  softCapBackward(out: DeviceBuffer, cap: number, gradOut: DeviceBuffer, gradX: DeviceBuffer): void {
    hostFamilyKernels.softCapBackward(this.floats(out), cap, this.floats(gradOut), this.floats(gradX));
  }

  gegluForward(gate: DeviceBuffer, up: DeviceBuffer, out: DeviceBuffer): void {
    hostFamilyKernels.gegluForward(this.floats(gate), this.floats(up), this.floats(out));
  }

  gegluBackward(gate: DeviceBuffer, up: DeviceBuffer, gradOut: DeviceBuffer, gradGate: DeviceBuffer | null, gradUp: DeviceBuffer | null): void {
    hostFamilyKernels.gegluBackward(this.floats(gate), this.floats(up), this.floats(gradOut), this.optional(gradGate), this.optional(gradUp));
  }

  rotateByTable(x: DeviceBuffer, out: DeviceBuffer, cos: DeviceBuffer, sin: DeviceBuffer, shape: RotationShape, direction: 1 | -1, accumulate: boolean): void {
    this.countIndices(shape.positions);
    hostFamilyKernels.rotateByTable(this.floats(x), this.floats(out), this.floats(cos), this.floats(sin), shape, direction, accumulate);
  }

  windowedAttentionForward(q: DeviceBuffer, k: DeviceBuffer, v: DeviceBuffer, shape: WindowedAttentionShape, out: DeviceBuffer, probabilities: DeviceBuffer, capSlopes: DeviceBuffer | null): void {
    this.countIndices(shape.keyMask);
    hostFamilyKernels.windowedAttentionForward(this.floats(q), this.floats(k), this.floats(v), shape, this.floats(out), this.floats(probabilities), this.optional(capSlopes));
  }

  windowedAttentionBackward(
    q: DeviceBuffer,
    k: DeviceBuffer,
    v: DeviceBuffer,
    probabilities: DeviceBuffer,
    capSlopes: DeviceBuffer | null,
    gradOut: DeviceBuffer,
    shape: WindowedAttentionShape,
    gradQ: DeviceBuffer | null,
    gradK: DeviceBuffer | null,
    gradV: DeviceBuffer | null,
  ): void {
    this.countIndices(shape.keyMask);
    hostFamilyKernels.windowedAttentionBackward(this.floats(q), this.floats(k), this.floats(v), this.floats(probabilities), this.optional(capSlopes), this.floats(gradOut), shape, this.optional(gradQ), this.optional(gradK), this.optional(gradV));
  }

  dropoutMask(seed: number, probability: number, out: DeviceBuffer): void {
    hostFamilyKernels.dropoutMask(seed, probability, this.floats(out));
  }

  protected clear(block: number, bytes: number): void {
    new Uint8Array(this.blocks.get(block)!, 0, bytes).fill(0);
  }

  /** The float32 values behind a buffer: a window onto the emulated device memory, never handed to callers. */
  private floats(buffer: DeviceBuffer): Float32Array {
    if (buffer.dtype !== 'float32') throw new Error(`${this.deviceName}: a bf16 buffer was passed where float32 values are expected`);
    return new Float32Array(this.blocks.get(this.blockOf(buffer))!, buffer.offset * 4, buffer.length);
  }

  private halves(buffer: DeviceBuffer): Uint16Array {
    if (buffer.dtype !== 'bfloat16') throw new Error(`${this.deviceName}: a float32 buffer was passed where bf16 weights are expected`);
    return new Uint16Array(this.blocks.get(this.blockOf(buffer))!, buffer.offset * 2, buffer.length);
  }

  private optional(buffer: DeviceBuffer | null): Float32Array | null {
    return buffer ? this.floats(buffer) : null;
  }
}

export { DeviceBuffer };
