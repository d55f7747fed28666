// The kernel interface every backend implements: flat fp32 buffers in, results written or accumulated in place.
// B is the buffer type: a Float32Array for the CPU backends, a DeviceBuffer handle for device tables.

/** Row-major batched GEMM: C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i] for i < batch; a stride of 0 reuses one matrix. */
export interface GemmArgs<B = Float32Array> {
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  a: B;
  aOffset: number;
  lda: number;
  b: B;
  bOffset: number;
  ldb: number;
  c: B;
  cOffset: number;
  ldc: number;
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
}

/** Layout of a causal attention call: q is [batch, queryLength, heads·headDim], k and v are [batch, keyLength, kvHeads·headDim]. */
export interface AttentionShape {
  batch: number;
  queryLength: number;
  keyLength: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Absolute position of query row 0 among the keys; query t attends keys j ≤ queryOffset + t. */
  queryOffset: number;
  scale: number;
  /** Optional [batch, keyLength] key mask: 0 hides a key (padding). */
  keyMask: Uint8Array | null;
}

export interface RopeShape {
  batch: number;
  sequenceLength: number;
  heads: number;
  headDim: number;
  theta: number;
  /** One position per sequence step (shared by the batch) or per row (batch·sequenceLength). */
  positions: Int32Array;
}

export interface AdamwArgs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1 − beta1^t and 1 − beta2^t for the bias correction at step t. */
  biasCorrection1: number;
  biasCorrection2: number;
}

export interface KernelBackend<B = Float32Array> extends BufferKernels<B> {
  readonly name: 'reference' | 'native' | 'cuda' | 'emulated-device' | 'cuda-device';
  gemm(args: GemmArgs<B>): void;
  /** out[i] = a[i] + b[i mod b.length]. */
  addBroadcast(a: B, b: B, out: B): void;
  /** out[i] = a[i] · b[i mod b.length]. */
  mulBroadcast(a: B, b: B, out: B): void;
  /** y[i] += alpha · x[i]. */
  axpy(alpha: number, x: B, y: B): void;
  /** out[i mod out.length] += alpha · x[i] (sums the rows of x into out). */
  sumRowsInto(alpha: number, x: B, out: B): void;
  /** out[i] += x[i] · y[i mod y.length] (broadcast multiply-accumulate). */
  mulAccumulate(x: B, y: B, out: B): void;
  /** out[j] += Σ_rows x[r·L + j] · y[r·L + j], L = out.length. */
  mulSumRowsInto(x: B, y: B, out: B): void;
  /** out[i] = exp(x[i]). */
  exp(x: B, out: B): void;
  sum(x: B): number;
  sumSquares(x: B): number;
  /** x[i] *= alpha. */
  scaleInPlace(x: B, alpha: number): void;
  embeddingForward(weight: B, ids: Int32Array, dim: number, out: B): void;
  embeddingBackward(ids: Int32Array, gradOut: B, dim: number, gradWeight: B): void;
  /** Per row of length dim: out = x · weight / rms(x); inverseRms[row] receives 1/rms. */
  rmsNormForward(x: B, weight: B, dim: number, eps: number, out: B, inverseRms: B): void;
  /** Accumulates into gradX and (when given) gradWeight. */
  rmsNormBackward(x: B, weight: B, inverseRms: B, gradOut: B, dim: number, gradX: B, gradWeight: B | null): void;
  /** Rotate-half RoPE; direction −1 applies the inverse rotation (the backward). accumulate adds into out. */
  rope(x: B, out: B, shape: RopeShape, direction: 1 | -1, accumulate: boolean): void;
  /** Writes out and the softmax probabilities [batch, heads, queryLength, keyLength] needed by the backward. */
  attentionForward(q: B, k: B, v: B, shape: AttentionShape, out: B, probabilities: B): void;
  /** Accumulates into whichever of gradQ, gradK, gradV are given. */
  attentionBackward(q: B, k: B, v: B, probabilities: B, gradOut: B, shape: AttentionShape, gradQ: B | null, gradK: B | null, gradV: B | null): void;
  siluForward(x: B, out: B): void;
  siluBackward(x: B, gradOut: B, gradX: B): void;
  /** out = silu(gate) · up. */
  swigluForward(gate: B, up: B, out: B): void;
  swigluBackward(gate: B, up: B, gradOut: B, gradGate: B | null, gradUp: B | null): void;
  /** Per row: logProbs[r] = logits[r, targets[r]] − logsumexp(logits[r]); negative targets give 0. */
  logSoftmaxGatherForward(logits: B, targets: Int32Array, vocab: number, logProbs: B, logSumExp: B): void;
  /** gradLogits[r] += gradLogProbs[r] · (onehot(targets[r]) − softmax(logits[r])). */
  logSoftmaxGatherBackward(logits: B, targets: Int32Array, logSumExp: B, gradLogProbs: B, vocab: number, gradLogits: B): void;
  /** One fused AdamW step with decoupled weight decay, updating param, m and v in place. */
  adamw(param: B, grad: B, m: B, v: B, args: AdamwArgs): void;
}

/** Copies `blocks` runs of `blockLength` values: target[targetOffset + i·targetStride + j] (+)= source[sourceOffset + i·sourceStride + j]. */
export type BufferLifetime = 'transient' | 'persistent';

export interface CopyBlocksArgs<B = Float32Array> {
  source: B;
  sourceOffset: number;
  sourceStride: number;
  target: B;
  targetOffset: number;
  targetStride: number;
  blockLength: number;
  blocks: number;
  accumulate: boolean;
}

/** Token choice per row of a logits matrix: greedy where temperature ≤ 0, else temperature and top-p with the row's draw in [0, 1). */
export interface SamplingArgs {
  rows: number;
  vocab: number;
  temperatures: Float64Array;
  topPs: Float64Array;
  draws: Float64Array;
}

/**
 * Buffer management: where buffers live, views into them, copies and the only two ways across the host boundary
 * (upload and download). On the CPU both crossings are free; on a device table they are counted transfers.
 */
export interface BufferKernels<B = Float32Array> {
  /**
   * A zero-filled buffer of `length` values. On a device table a transient buffer is released when the device scope
   * it was made in ends; a persistent one (parameters, gradients of leaves, optimizer state, KV caches) lives until released.
   */
  allocate(length: number, lifetime?: BufferLifetime): B;
  /** `length` values of `buffer` from `offset`, sharing its memory. */
  view(buffer: B, offset: number, length: number): B;
  fill(buffer: B, value: number): void;
  copyBlocks(args: CopyBlocksArgs<B>): void;
  /** target (+)= source with axes a and b of `shape` swapped (target has the swapped shape). */
  permute(source: B, shape: readonly number[], axisA: number, axisB: number, target: B, accumulate: boolean): void;
  /** out[0] += Σ x² (the gradient norm's squares stay where the gradients are). */
  sumSquaresInto(x: B, out: B): void;
  /** The host's values as a buffer of this backend (the CPU backends return them as they are). */
  upload(values: Float32Array): B;
  /** The buffer's values in host memory (the CPU backends return the buffer itself). */
  download(buffer: B): Float32Array;
  /** One token id per logits row, chosen where the logits are, so only the ids cross to the host. */
  sampleTokens(logits: B, args: SamplingArgs): Int32Array;
}
