// Reference causal grouped-query attention over [batch, length, heads·headDim] buffers, softmax in float64.
import type { AttentionShape } from '../../kernels';

function isVisible(shape: AttentionShape, b: number, t: number, j: number): boolean {
  if (j > shape.queryOffset + t) return false;
  return shape.keyMask === null || shape.keyMask[b * shape.keyLength + j] !== 0;
}

export function attentionForward(q: Float32Array, k: Float32Array, v: Float32Array, shape: AttentionShape, out: Float32Array, probabilities: Float32Array): void {
  const { batch, queryLength: T, keyLength: S, heads, kvHeads, headDim: D, scale } = shape;
  const group = heads / kvHeads;
  const scores = new Float64Array(S);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kvHead = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qBase = (b * T + t) * heads * D + h * D;
        let maximum = -Infinity;
        for (let j = 0; j < S; j++) {
          if (!isVisible(shape, b, t, j)) {
            scores[j] = -Infinity;
            continue;
          }
          const kBase = (b * S + j) * kvHeads * D + kvHead * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qBase + d] * k[kBase + d];
          scores[j] = dot * scale;
          if (scores[j] > maximum) maximum = scores[j];
        }
        let total = 0;
        for (let j = 0; j < S; j++) {
          scores[j] = maximum === -Infinity || scores[j] === -Infinity ? 0 : Math.exp(scores[j] - maximum);
          total += scores[j];
        }
        const probabilityBase = ((b * heads + h) * T + t) * S;
        for (let d = 0; d < D; d++) out[qBase + d] = 0;
        for (let j = 0; j < S; j++) {
          const probability = total > 0 ? scores[j] / total : 0;
          probabilities[probabilityBase + j] = probability;
          if (probability === 0) continue;
          const vBase = (b * S + j) * kvHeads * D + kvHead * D;
          for (let d = 0; d < D; d++) out[qBase + d] += probability * v[vBase + d];
        }
      }
    }
  }
}

export function attentionBackward(q: Float32Array, k: Float32Array, v: Float32Array, probabilities: Float32Array, gradOut: Float32Array, shape: AttentionShape, gradQ: Float32Array | null, gradK: Float32Array | null, gradV: Float32Array | null): void {
  const { batch, queryLength: T, keyLength: S, heads, kvHeads, headDim: D, scale } = shape;
  const group = heads / kvHeads;
  const gradProbabilities = new Float64Array(S);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kvHead = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qBase = (b * T + t) * heads * D + h * D;
        const probabilityBase = ((b * heads + h) * T + t) * S;
        let weighted = 0;
        for (let j = 0; j < S; j++) {
          const vBase = (b * S + j) * kvHeads * D + kvHead * D;
          const probability = probabilities[probabilityBase + j];
          let dot = 0;
          for (let d = 0; d < D; d++) dot += gradOut[qBase + d] * v[vBase + d];
          gradProbabilities[j] = dot;
          weighted += dot * probability;
          if (gradV) for (let d = 0; d < D; d++) gradV[vBase + d] += probability * gradOut[qBase + d];
        }
        for (let j = 0; j < S; j++) {
          const probability = probabilities[probabilityBase + j];
          if (probability === 0) continue;
          const gradScore = probability * (gradProbabilities[j] - weighted) * scale;
          const kBase = (b * S + j) * kvHeads * D + kvHead * D;
          for (let d = 0; d < D; d++) {
            if (gradQ) gradQ[qBase + d] += gradScore * k[kBase + d];
            if (gradK) gradK[kBase + d] += gradScore * q[qBase + d];
          }
        }
      }
    }
  }
}
