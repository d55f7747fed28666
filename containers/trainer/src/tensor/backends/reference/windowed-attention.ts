// Host kernel for causal grouped-query attention with a sliding window and soft-capped scores (Mistral, Gemma 2).
import type { WindowedAttentionShape } from '../../family-kernels';

interface QueryRow {
  b: number;
  kvHead: number;
  /** The visible keys: first ≤ j ≤ last. */
  first: number;
  last: number;
  /** Where the row's query (and output) starts in q, and its scores start in the probabilities. */
  queryBase: number;
  rowBase: number;
}

/** Visits every (batch, head, query) row with the keys its window and causality leave visible. */
function forEachQueryRow(shape: WindowedAttentionShape, visit: (row: QueryRow) => void): void {
  const { batch, queryLength, keyLength, heads, kvHeads, headDim } = shape;
  const group = heads / kvHeads;
  for (let b = 0; b < batch; b += 1) {
    for (let h = 0; h < heads; h += 1) {
      for (let t = 0; t < queryLength; t += 1) {
        const last = shape.queryOffset + t;
        const first = shape.window === null ? 0 : Math.max(0, last - shape.window + 1);
        visit({ b, kvHead: Math.floor(h / group), first, last, queryBase: ((b * queryLength + t) * heads + h) * headDim, rowBase: ((b * heads + h) * queryLength + t) * keyLength });
      }
    }
  }
}

export function windowedAttentionForward(q: Float32Array, k: Float32Array, v: Float32Array, shape: WindowedAttentionShape, out: Float32Array, probabilities: Float32Array, capSlopes: Float32Array | null): void {
  const { keyLength, kvHeads, headDim, scale, softCap, keyMask } = shape;
  const scores = new Float64Array(keyLength);
  forEachQueryRow(shape, ({ b, kvHead, first, last, queryBase, rowBase }) => {
    let maximum = -Infinity;
    for (let j = first; j <= last; j += 1) {
      if (keyMask && keyMask[b * keyLength + j] === 0) {
        scores[j] = -Infinity;
        continue;
      }
      const keyBase = ((b * keyLength + j) * kvHeads + kvHead) * headDim;
      let dot = 0;
      for (let d = 0; d < headDim; d += 1) dot += q[queryBase + d] * k[keyBase + d];
      let score = dot * scale;
      if (softCap !== null) {
        const squashed = Math.tanh(score / softCap);
        score = squashed * softCap;
        capSlopes![rowBase + j] = 1 - squashed * squashed;
      }
      scores[j] = score;
      if (score > maximum) maximum = score;
    }
    let total = 0;
    for (let j = first; j <= last; j += 1) {
      scores[j] = scores[j] === -Infinity ? 0 : Math.exp(scores[j] - maximum);
      total += scores[j];
    }
    for (let j = first; j <= last; j += 1) {
      const probability = total > 0 ? scores[j] / total : 0;
      probabilities[rowBase + j] = probability;
      if (probability === 0) continue;
      const valueBase = ((b * keyLength + j) * kvHeads + kvHead) * headDim;
      for (let d = 0; d < headDim; d += 1) out[queryBase + d] += probability * v[valueBase + d];
    }
  });
}

/** Accumulates into whichever of gradQ, gradK, gradV are given. */
export function windowedAttentionBackward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  probabilities: Float32Array,
  capSlopes: Float32Array | null,
  gradOut: Float32Array,
  shape: WindowedAttentionShape,
  gradQ: Float32Array | null,
  gradK: Float32Array | null,
  gradV: Float32Array | null,
): void {
  const { keyLength, kvHeads, headDim, scale } = shape;
  const gradProbabilities = new Float64Array(keyLength);
  forEachQueryRow(shape, ({ b, kvHead, first, last, queryBase, rowBase }) => {
    let weighted = 0;
    for (let j = first; j <= last; j += 1) {
      const probability = probabilities[rowBase + j];
      const valueBase = ((b * keyLength + j) * kvHeads + kvHead) * headDim;
      let dot = 0;
      for (let d = 0; d < headDim; d += 1) dot += gradOut[queryBase + d] * v[valueBase + d];
      gradProbabilities[j] = dot;
      weighted += dot * probability;
      if (gradV && probability !== 0) for (let d = 0; d < headDim; d += 1) gradV[valueBase + d] += probability * gradOut[queryBase + d];
    }
    for (let j = first; j <= last; j += 1) {
      const probability = probabilities[rowBase + j];
      if (probability === 0) continue;
      let gradScore = probability * (gradProbabilities[j] - weighted) * scale;
      if (capSlopes) gradScore *= capSlopes[rowBase + j];
      const keyBase = ((b * keyLength + j) * kvHeads + kvHead) * headDim;
      for (let d = 0; d < headDim; d += 1) {
        if (gradQ) gradQ[queryBase + d] += gradScore * k[keyBase + d];
        if (gradK) gradK[keyBase + d] += gradScore * q[queryBase + d];
      }
    }
  });
}
