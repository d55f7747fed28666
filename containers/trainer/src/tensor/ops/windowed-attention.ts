// Causal grouped-query attention with a sliding window and soft-capped scores (Mistral, Gemma 2), in TypeScript.
import { Tensor, formatShape } from '../tensor';
import { needsGrad, record } from '../autograd';

export interface WindowedAttentionOptions {
  heads: number;
  kvHeads: number;
  /** Position of query row 0 among the keys (the number of cached positions before it). */
  queryOffset: number;
  scale: number;
  /** Keys a query sees behind it, itself included (key j visible from position p when p − window < j ≤ p); null: all. */
  window: number | null;
  /** Scores become cap·tanh(score/cap) before the softmax; null: uncapped. */
  softCap: number | null;
  /** [batch, keyLength] with 0 for keys to ignore (left padding). */
  mask?: Uint8Array;
}

interface Layout {
  batch: number;
  queryLength: number;
  keyLength: number;
  headDim: number;
}

function visibleRange(options: WindowedAttentionOptions, t: number): [number, number] {
  const position = options.queryOffset + t;
  const first = options.window === null ? 0 : Math.max(0, position - options.window + 1);
  return [first, position];
}

export function windowedAttention(q: Tensor, k: Tensor, v: Tensor, options: WindowedAttentionOptions): Tensor {
  const { heads, kvHeads, scale, softCap, mask } = options;
  const [batch, queryLength, queryWidth] = q.shape;
  const keyLength = k.shape[1];
  const headDim = queryWidth / heads;
  if (q.rank !== 3 || k.rank !== 3 || k.shape[0] !== batch || k.shape[2] !== kvHeads * headDim || v.shape.join(',') !== k.shape.join(',') || heads % kvHeads !== 0) {
    throw new Error(`windowedAttention(q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}): expected [batch, length, heads·headDim] with ${heads} query and ${kvHeads} key-value heads`);
  }
  if (options.queryOffset < 0 || options.queryOffset + queryLength > keyLength) throw new Error(`windowedAttention: queryOffset ${options.queryOffset} places queries outside the ${keyLength} keys`);
  const layout: Layout = { batch, queryLength, keyLength, headDim };
  const group = heads / kvHeads;
  const probabilities = new Float32Array(batch * heads * queryLength * keyLength);
  // Derivative of the cap at each score (1 − tanh²), kept for the backward.
  const capSlopes = softCap === null ? null : new Float32Array(probabilities.length);
  const out = new Tensor(new Float32Array(q.size), q.shape, { op: 'windowedAttention' });
  const scores = new Float64Array(keyLength);
  for (let b = 0; b < batch; b += 1) {
    for (let h = 0; h < heads; h += 1) {
      const kvHead = Math.floor(h / group);
      for (let t = 0; t < queryLength; t += 1) {
        const [first, last] = visibleRange(options, t);
        const queryBase = ((b * queryLength + t) * heads + h) * headDim;
        const rowBase = ((b * heads + h) * queryLength + t) * keyLength;
        let maximum = -Infinity;
        for (let j = first; j <= last; j += 1) {
          if (mask && mask[b * keyLength + j] === 0) {
            scores[j] = -Infinity;
            continue;
          }
          const keyBase = ((b * keyLength + j) * kvHeads + kvHead) * headDim;
          let dot = 0;
          for (let d = 0; d < headDim; d += 1) dot += q.data[queryBase + d] * k.data[keyBase + d];
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
          for (let d = 0; d < headDim; d += 1) out.data[queryBase + d] += probability * v.data[valueBase + d];
        }
      }
    }
  }
  if (!needsGrad(q, k, v)) return out;
  return record(out, [q, k, v], () => {
    backwardWindowedAttention(q, k, v, out.grad!, probabilities, capSlopes, options, layout);
  });
}

function backwardWindowedAttention(q: Tensor, k: Tensor, v: Tensor, gradOut: Float32Array, probabilities: Float32Array, capSlopes: Float32Array | null, options: WindowedAttentionOptions, layout: Layout): void {
  const { heads, kvHeads, scale } = options;
  const { batch, queryLength, keyLength, headDim } = layout;
  const group = heads / kvHeads;
  const gradQ = q.requiresGrad ? q.ensureGrad() : null;
  const gradK = k.requiresGrad ? k.ensureGrad() : null;
  const gradV = v.requiresGrad ? v.ensureGrad() : null;
  const gradProbabilities = new Float64Array(keyLength);
  for (let b = 0; b < batch; b += 1) {
    for (let h = 0; h < heads; h += 1) {
      const kvHead = Math.floor(h / group);
      for (let t = 0; t < queryLength; t += 1) {
        const [first, last] = visibleRange(options, t);
        const queryBase = ((b * queryLength + t) * heads + h) * headDim;
        const rowBase = ((b * heads + h) * queryLength + t) * keyLength;
        let weighted = 0;
        for (let j = first; j <= last; j += 1) {
          const probability = probabilities[rowBase + j];
          const valueBase = ((b * keyLength + j) * kvHeads + kvHead) * headDim;
          let dot = 0;
          for (let d = 0; d < headDim; d += 1) dot += gradOut[queryBase + d] * v.data[valueBase + d];
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
            if (gradQ) gradQ[queryBase + d] += gradScore * k.data[keyBase + d];
            if (gradK) gradK[keyBase + d] += gradScore * q.data[queryBase + d];
          }
        }
      }
    }
  }
}
