// The device table on a CUDA GPU: every buffer is a block of device memory from the shared caching allocator, every
// kernel runs on the addon's resident table (addon.cudaTable), and only what a call names crosses to the host.
import type { Bfloat16GemmArgs, DeviceBuffer, DeviceTable } from '../device';
import type { AdamwArgs, AttentionShape, BufferLifetime, CopyBlocksArgs, GemmArgs, RopeShape, SamplingArgs } from '../kernels';
import type { FamilyKernels, RotationShape, WindowedAttentionShape } from '../family-kernels';
import { DeviceTableBase } from './device-table-base';

/** A device buffer as the addon takes it: allocator block, offset and length in elements; [0, 0, 0] is none. */
type Located = [block: number, offset: number, length: number];
type Shape = [batch: number, queryLength: number, keyLength: number, heads: number, kvHeads: number, headDim: number, queryOffset: number, scale: number, keyMask: Uint8Array | null];

/** addon.cudaTable: the native functions this table calls (see native/src/resident-*.cc for each argument list). */
export interface CudaTableAddon {
  status(): string;
  deviceName(): string;
  hasCublas(): boolean;
  reserve(bytes: number): number | null;
  unreserve(block: number): void;
  memoryInfo(): { freeBytes: number; totalBytes: number };
  synchronize(): void;
  setSynchronous(synchronous: boolean): void;
  upload(block: number, byteOffset: number, values: Float32Array | Uint16Array): void;
  download(block: number, byteOffset: number, count: number): Float32Array;
  zero(block: number, bytes: number): void;
  [kernel: string]: (...args: never[]) => unknown;
}

/** fp32: exact products; tf32: tensor cores with 10-bit mantissas; bf16: operands rounded to bf16. All accumulate in fp32. */
export type GemmPrecision = 'fp32' | 'tf32' | 'bf16';
const PRECISION_CODES: Record<GemmPrecision, number> = { fp32: 0, tf32: 1, bf16: 2 };

export interface CudaDeviceOptions {
  gemmPrecision?: GemmPrecision;
  /** Wait after every kernel, so an asynchronous failure is reported by the call that caused it (slow; for debugging). */
  synchronousErrors?: boolean;
}

const NONE: Located = [0, 0, 0];

export class CudaDevice extends DeviceTableBase implements DeviceTable, FamilyKernels<DeviceBuffer> {
  readonly name = 'cuda-device' as const;
  readonly deviceName = 'cuda:0';
  readonly gemmPrecision: GemmPrecision;
  private readonly native: CudaTableAddon;

  constructor(native: CudaTableAddon, options: CudaDeviceOptions = {}) {
    super({ reserve: (bytes) => native.reserve(bytes), unreserve: (block) => native.unreserve(block) });
    this.native = native;
    this.gemmPrecision = options.gemmPrecision ?? 'tf32';
    native.setSynchronous(options.synchronousErrors ?? false);
  }

  /** The GPU's name ("NVIDIA H100 80GB HBM3"). */
  model(): string {
    return this.native.deviceName();
  }

  /** The driver's view of device memory, beside the allocator's own counts in memory(). */
  driverMemory(): { freeBytes: number; totalBytes: number } {
    return this.native.memoryInfo();
  }

  allocate(length: number, lifetime: BufferLifetime = 'transient'): DeviceBuffer {
    return this.allocateBuffer(length, lifetime);
  }

  upload(values: Float32Array): DeviceBuffer {
    const buffer = this.allocate(values.length);
    this.countUpload(values.byteLength);
    this.native.upload(this.blockOf(buffer), 0, values);
    return buffer;
  }

  download(buffer: DeviceBuffer): Float32Array {
    const [block, offset, length] = this.at(buffer);
    this.countDownload(length * 4);
    return this.native.download(block, offset * 4, length);
  }

  uploadBfloat16(bits: Uint16Array): DeviceBuffer {
    const buffer = this.allocateBuffer(bits.length, 'persistent', 'bfloat16');
    this.countUpload(bits.byteLength);
    this.native.upload(this.blockOf(buffer), 0, bits);
    return buffer;
  }

  synchronize(): void {
    this.native.synchronize();
  }

  fill(buffer: DeviceBuffer, value: number): void {
    this.call('fill', ...this.at(buffer), value);
  }

  copyBlocks(c: CopyBlocksArgs<DeviceBuffer>): void {
    this.call('copyBlocks', ...this.at(c.source), c.sourceOffset, c.sourceStride, ...this.at(c.target), c.targetOffset, c.targetStride, c.blockLength, c.blocks, c.accumulate);
  }

  permute(source: DeviceBuffer, shape: readonly number[], axisA: number, axisB: number, target: DeviceBuffer, accumulate: boolean): void {
    this.call('permute', ...this.at(source), [...shape], axisA, axisB, ...this.at(target), accumulate);
  }

  sumSquaresInto(x: DeviceBuffer, out: DeviceBuffer): void {
    this.call('sumSquaresInto', ...this.at(x), ...this.at(out));
  }

  /** Settings go over as one array of doubles (temperatures, topPs, draws); only the ids come back. */
  sampleTokens(logits: DeviceBuffer, args: SamplingArgs): Int32Array {
    const settings = new Float64Array(3 * args.rows);
    settings.set(args.temperatures.subarray(0, args.rows), 0);
    settings.set(args.topPs.subarray(0, args.rows), args.rows);
    settings.set(args.draws.subarray(0, args.rows), 2 * args.rows);
    this.countUpload(args.temperatures.byteLength + args.topPs.byteLength + args.draws.byteLength);
    const ids = this.call('sampleTokens', ...this.at(logits), args.rows, args.vocab, settings) as Int32Array;
    this.countDownload(ids.byteLength);
    return ids;
  }

  gemm(g: GemmArgs<DeviceBuffer>): void {
    this.call('gemm', PRECISION_CODES[this.gemmPrecision], g.transposeA, g.transposeB, g.m, g.n, g.k, g.alpha, ...this.at(g.a), g.aOffset, g.lda, ...this.at(g.b), g.bOffset, g.ldb, g.beta, ...this.at(g.c), g.cOffset, g.ldc, g.batch, g.strideA, g.strideB, g.strideC);
  }

  gemmBfloat16Weight(g: Bfloat16GemmArgs): void {
    this.call('gemmBfloat16Weight', g.transposeWeight, g.m, g.outputs, g.inputs, ...this.at(g.x), ...this.atBfloat16(g.weight), ...this.at(g.out), g.accumulate);
  }

  embeddingBfloat16(weight: DeviceBuffer, ids: Int32Array, dim: number, out: DeviceBuffer): void {
    this.countIndices(ids);
    this.call('embeddingBfloat16', ...this.atBfloat16(weight), ids, dim, ...this.at(out));
  }

  addBroadcast(a: DeviceBuffer, b: DeviceBuffer, out: DeviceBuffer): void {
    this.call('addBroadcast', ...this.at(a), ...this.at(b), ...this.at(out));
  }

  mulBroadcast(a: DeviceBuffer, b: DeviceBuffer, out: DeviceBuffer): void {
    this.call('mulBroadcast', ...this.at(a), ...this.at(b), ...this.at(out));
  }

  axpy(alpha: number, x: DeviceBuffer, y: DeviceBuffer): void {
    this.call('axpy', alpha, ...this.at(x), ...this.at(y));
  }

  sumRowsInto(alpha: number, x: DeviceBuffer, out: DeviceBuffer): void {
    this.call('sumRowsInto', alpha, ...this.at(x), ...this.at(out));
  }

  mulAccumulate(x: DeviceBuffer, y: DeviceBuffer, out: DeviceBuffer): void {
    this.call('mulAccumulate', ...this.at(x), ...this.at(y), ...this.at(out));
  }

  mulSumRowsInto(x: DeviceBuffer, y: DeviceBuffer, out: DeviceBuffer): void {
    this.call('mulSumRowsInto', ...this.at(x), ...this.at(y), ...this.at(out));
  }

  exp(x: DeviceBuffer, out: DeviceBuffer): void {
    this.call('exp', ...this.at(x), ...this.at(out));
  }

  /** The sum crosses to the host as one scalar. */
  sum(x: DeviceBuffer): number {
    this.countDownload(8);
    return this.call('sum', ...this.at(x)) as number;
  }

  sumSquares(x: DeviceBuffer): number {
    this.countDownload(8);
    return this.call('sumSquares', ...this.at(x)) as number;
  }

  scaleInPlace(x: DeviceBuffer, alpha: number): void {
    this.call('scaleInPlace', ...this.at(x), alpha);
  }

  embeddingForward(weight: DeviceBuffer, ids: Int32Array, dim: number, out: DeviceBuffer): void {
    this.countIndices(ids);
    this.call('embeddingForward', ...this.at(weight), ids, dim, ...this.at(out));
  }

  embeddingBackward(ids: Int32Array, gradOut: DeviceBuffer, dim: number, gradWeight: DeviceBuffer): void {
    this.countIndices(ids);
    this.call('embeddingBackward', ids, ...this.at(gradOut), dim, ...this.at(gradWeight));
  }

  rmsNormForward(x: DeviceBuffer, weight: DeviceBuffer, dim: number, eps: number, out: DeviceBuffer, inverseRms: DeviceBuffer): void {
    this.call('rmsNormForward', ...this.at(x), ...this.at(weight), dim, eps, ...this.at(out), ...this.at(inverseRms));
  }

  rmsNormBackward(x: DeviceBuffer, weight: DeviceBuffer, inverseRms: DeviceBuffer, gradOut: DeviceBuffer, dim: number, gradX: DeviceBuffer, gradWeight: DeviceBuffer | null): void {
    this.call('rmsNormBackward', ...this.at(x), ...this.at(weight), ...this.at(inverseRms), ...this.at(gradOut), dim, ...this.at(gradX), ...this.optional(gradWeight));
  }

  rope(x: DeviceBuffer, out: DeviceBuffer, s: RopeShape, direction: 1 | -1, accumulate: boolean): void {
    this.countIndices(s.positions);
    this.call('rope', ...this.at(x), ...this.at(out), s.batch, s.sequenceLength, s.heads, s.headDim, s.theta, s.positions, direction, accumulate);
  }

  attentionForward(q: DeviceBuffer, k: DeviceBuffer, v: DeviceBuffer, shape: AttentionShape, out: DeviceBuffer, probabilities: DeviceBuffer): void {
    this.countIndices(shape.keyMask);
    this.call('attentionForward', ...this.at(q), ...this.at(k), ...this.at(v), ...this.at(out), ...this.at(probabilities), ...shapeArguments(shape));
  }

  attentionBackward(q: DeviceBuffer, k: DeviceBuffer, v: DeviceBuffer, probabilities: DeviceBuffer, gradOut: DeviceBuffer, shape: AttentionShape, gradQ: DeviceBuffer | null, gradK: DeviceBuffer | null, gradV: DeviceBuffer | null): void {
    this.countIndices(shape.keyMask);
    this.call('attentionBackward', ...this.at(q), ...this.at(k), ...this.at(v), ...this.at(probabilities), ...this.at(gradOut), ...this.optional(gradQ), ...this.optional(gradK), ...this.optional(gradV), ...shapeArguments(shape));
  }

  siluForward(x: DeviceBuffer, out: DeviceBuffer): void {
    this.call('siluForward', ...this.at(x), ...this.at(out));
  }

  siluBackward(x: DeviceBuffer, gradOut: DeviceBuffer, gradX: DeviceBuffer): void {
    this.call('siluBackward', ...this.at(x), ...this.at(gradOut), ...this.at(gradX));
  }

  swigluForward(gate: DeviceBuffer, up: DeviceBuffer, out: DeviceBuffer): void {
    this.call('swigluForward', ...this.at(gate), ...this.at(up), ...this.at(out));
  }

  swigluBackward(gate: DeviceBuffer, up: DeviceBuffer, gradOut: DeviceBuffer, gradGate: DeviceBuffer | null, gradUp: DeviceBuffer | null): void {
    this.call('swigluBackward', ...this.at(gate), ...this.at(up), ...this.at(gradOut), ...this.optional(gradGate), ...this.optional(gradUp));
  }

  logSoftmaxGatherForward(logits: DeviceBuffer, targets: Int32Array, vocab: number, logProbs: DeviceBuffer, logSumExp: DeviceBuffer): void {
    this.countIndices(targets);
    this.call('logSoftmaxGatherForward', ...this.at(logits), targets, vocab, ...this.at(logProbs), ...this.at(logSumExp));
  }

  logSoftmaxGatherBackward(logits: DeviceBuffer, targets: Int32Array, logSumExp: DeviceBuffer, gradLogProbs: DeviceBuffer, vocab: number, gradLogits: DeviceBuffer): void {
    this.countIndices(targets);
    this.call('logSoftmaxGatherBackward', ...this.at(logits), targets, ...this.at(logSumExp), ...this.at(gradLogProbs), vocab, ...this.at(gradLogits));
  }

  adamw(param: DeviceBuffer, grad: DeviceBuffer, m: DeviceBuffer, v: DeviceBuffer, a: AdamwArgs): void {
    this.call('adamw', ...this.at(param), ...this.at(grad), ...this.at(m), ...this.at(v), a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, a.biasCorrection1, a.biasCorrection2);
  }

  minimumForward(a: DeviceBuffer, b: DeviceBuffer, out: DeviceBuffer): void {
    this.call('minimumForward', ...this.at(a), ...this.at(b), ...this.at(out));
  }

  minimumBackward(a: DeviceBuffer, b: DeviceBuffer, gradOut: DeviceBuffer, gradA: DeviceBuffer | null, gradB: DeviceBuffer | null): void {
    this.call('minimumBackward', ...this.at(a), ...this.at(b), ...this.at(gradOut), ...this.optional(gradA), ...this.optional(gradB));
  }

  clampForward(x: DeviceBuffer, low: number, high: number, out: DeviceBuffer): void {
    this.call('clampForward', ...this.at(x), low, high, ...this.at(out));
  }

  clampBackward(x: DeviceBuffer, low: number, high: number, gradOut: DeviceBuffer, gradX: DeviceBuffer): void {
    this.call('clampBackward', ...this.at(x), low, high, ...this.at(gradOut), ...this.at(gradX));
  }

  softCapForward(x: DeviceBuffer, cap: number, out: DeviceBuffer): void {
    this.call('softCapForward', ...this.at(x), cap, ...this.at(out));
  }

  softCapBackward(out: DeviceBuffer, cap: number, gradOut: DeviceBuffer, gradX: DeviceBuffer): void {
    this.call('softCapBackward', ...this.at(out), cap, ...this.at(gradOut), ...this.at(gradX));
  }

  gegluForward(gate: DeviceBuffer, up: DeviceBuffer, out: DeviceBuffer): void {
    this.call('gegluForward', ...this.at(gate), ...this.at(up), ...this.at(out));
  }

  gegluBackward(gate: DeviceBuffer, up: DeviceBuffer, gradOut: DeviceBuffer, gradGate: DeviceBuffer | null, gradUp: DeviceBuffer | null): void {
    this.call('gegluBackward', ...this.at(gate), ...this.at(up), ...this.at(gradOut), ...this.optional(gradGate), ...this.optional(gradUp));
  }

  rotateByTable(x: DeviceBuffer, out: DeviceBuffer, cos: DeviceBuffer, sin: DeviceBuffer, s: RotationShape, direction: 1 | -1, accumulate: boolean): void {
    this.countIndices(s.positions);
    this.call('rotateByTable', ...this.at(x), ...this.at(out), ...this.at(cos), ...this.at(sin), s.batch, s.sequenceLength, s.heads, s.headDim, s.positions, direction, accumulate);
  }

  windowedAttentionForward(q: DeviceBuffer, k: DeviceBuffer, v: DeviceBuffer, shape: WindowedAttentionShape, out: DeviceBuffer, probabilities: DeviceBuffer, capSlopes: DeviceBuffer | null): void {
    this.countIndices(shape.keyMask);
    this.call('windowedAttentionForward', ...this.at(q), ...this.at(k), ...this.at(v), ...this.at(out), ...this.at(probabilities), ...this.optional(capSlopes), ...shapeArguments(shape), shape.window, shape.softCap);
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
    const buffers = [...this.at(q), ...this.at(k), ...this.at(v), ...this.at(probabilities), ...this.optional(capSlopes), ...this.at(gradOut), ...this.optional(gradQ), ...this.optional(gradK), ...this.optional(gradV)];
    this.call('windowedAttentionBackward', ...buffers, ...shapeArguments(shape), shape.window, shape.softCap);
  }

  /** Only the seed crosses; the mask is the hash of (seed, element) computed on the device. */
  dropoutMask(seed: number, probability: number, out: DeviceBuffer): void {
    this.call('dropoutMask', seed, probability, ...this.at(out));
  }

  protected clear(block: number, bytes: number): void {
    this.native.zero(block, bytes);
  }

  private call(kernel: string, ...args: unknown[]): unknown {
    return (this.native[kernel] as (...values: unknown[]) => unknown)(...args);
  }

  private at(buffer: DeviceBuffer): Located {
    if (buffer.dtype !== 'float32') throw new Error(`${this.deviceName}: a bf16 buffer was passed where float32 values are expected`);
    return [this.blockOf(buffer), buffer.offset, buffer.length];
  }

  private atBfloat16(buffer: DeviceBuffer): Located {
    if (buffer.dtype !== 'bfloat16') throw new Error(`${this.deviceName}: a float32 buffer was passed where bf16 weights are expected`);
    return [this.blockOf(buffer), buffer.offset, buffer.length];
  }

  private optional(buffer: DeviceBuffer | null): Located {
    return buffer ? this.at(buffer) : NONE;
  }
}

function shapeArguments(s: AttentionShape): Shape {
  return [s.batch, s.queryLength, s.keyLength, s.heads, s.kvHeads, s.headDim, s.queryOffset, s.scale, s.keyMask];
}
