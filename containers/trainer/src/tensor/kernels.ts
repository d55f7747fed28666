// The kernel interface every backend implements: flat fp32 buffers in, results written or accumulated in place.

/** Row-major batched GEMM: C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i] for i < batch; a stride of 0 reuses one matrix. */
export interface GemmArgs {
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  a: Float32Array;
  aOffset: number;
  lda: number;
  b: Float32Array;
  bOffset: number;
  ldb: number;
  c: Float32Array;
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

export interface KernelBackend {
  readonly name: 'reference' | 'native' | 'cuda';
  gemm(args: GemmArgs): void;
  /** out[i] = a[i] + b[i mod b.length]. */
  addBroadcast(a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out[i] = a[i] · b[i mod b.length]. */
  mulBroadcast(a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** y[i] += alpha · x[i]. */
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  /** out[i mod out.length] += alpha · x[i] (sums the rows of x into out). */
  sumRowsInto(alpha: number, x: Float32Array, out: Float32Array): void;
  /** out[i] += x[i] · y[i mod y.length] (broadcast multiply-accumulate). */
  mulAccumulate(x: Float32Array, y: Float32Array, out: Float32Array): void;
  /** out[j] += Σ_rows x[r·L + j] · y[r·L + j], L = out.length. */
  mulSumRowsInto(x: Float32Array, y: Float32Array, out: Float32Array): void;
  /** out[i] = exp(x[i]). */
  exp(x: Float32Array, out: Float32Array): void;
  sum(x: Float32Array): number;
  sumSquares(x: Float32Array): number;
  /** x[i] *= alpha. */
  scaleInPlace(x: Float32Array, alpha: number): void;
  embeddingForward(weight: Float32Array, ids: Int32Array, dim: number, out: Float32Array): void;
  embeddingBackward(ids: Int32Array, gradOut: Float32Array, dim: number, gradWeight: Float32Array): void;
  /** Per row of length dim: out = x · weight / rms(x); inverseRms[row] receives 1/rms. */
  rmsNormForward(x: Float32Array, weight: Float32Array, dim: number, eps: number, out: Float32Array, inverseRms: Float32Array): void;
  /** Accumulates into gradX and (when given) gradWeight. */
  rmsNormBackward(x: Float32Array, weight: Float32Array, inverseRms: Float32Array, gradOut: Float32Array, dim: number, gradX: Float32Array, gradWeight: Float32Array | null): void;
  /** Rotate-half RoPE; direction −1 applies the inverse rotation (the backward). accumulate adds into out. */
  rope(x: Float32Array, out: Float32Array, shape: RopeShape, direction: 1 | -1, accumulate: boolean): void;
  /** Writes out and the softmax probabilities [batch, heads, queryLength, keyLength] needed by the backward. */
  attentionForward(q: Float32Array, k: Float32Array, v: Float32Array, shape: AttentionShape, out: Float32Array, probabilities: Float32Array): void;
  /** Accumulates into whichever of gradQ, gradK, gradV are given. */
  attentionBackward(q: Float32Array, k: Float32Array, v: Float32Array, probabilities: Float32Array, gradOut: Float32Array, shape: AttentionShape, gradQ: Float32Array | null, gradK: Float32Array | null, gradV: Float32Array | null): void;
  siluForward(x: Float32Array, out: Float32Array): void;
  siluBackward(x: Float32Array, gradOut: Float32Array, gradX: Float32Array): void;
  /** out = silu(gate) · up. */
  swigluForward(gate: Float32Array, up: Float32Array, out: Float32Array): void;
  swigluBackward(gate: Float32Array, up: Float32Array, gradOut: Float32Array, gradGate: Float32Array | null, gradUp: Float32Array | null): void;
  /** Per row: logProbs[r] = logits[r, targets[r]] − logsumexp(logits[r]); negative targets give 0. */
  logSoftmaxGatherForward(logits: Float32Array, targets: Int32Array, vocab: number, logProbs: Float32Array, logSumExp: Float32Array): void;
  /** gradLogits[r] += gradLogProbs[r] · (onehot(targets[r]) − softmax(logits[r])). */
  logSoftmaxGatherBackward(logits: Float32Array, targets: Int32Array, logSumExp: Float32Array, gradLogProbs: Float32Array, vocab: number, gradLogits: Float32Array): void;
  /** One fused AdamW step with decoupled weight decay, updating param, m and v in place. */
  adamw(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, args: AdamwArgs): void;
}
