// Token-level policy-gradient loss with a k3 KL penalty and optional PPO clipping, as values and d loss / d log-prob.
// The loss is elementwise in each token's log-probability, so its gradient is computed here and seeded into
// the autograd tape at the log-probabilities (one backward through the model).

export interface PolicyGradientInputs {
  /** log π(token) under the current policy, per token. */
  logProbs: Float32Array;
  /** log π_old(token) when the action was sampled (the ratio's denominator). */
  oldLogProbs: Float32Array;
  /** log π_ref(token) under the frozen reference. */
  referenceLogProbs: Float32Array;
  /** Advantage of the sequence each token belongs to. */
  advantages: Float32Array;
  /** Per-token weight; 0 on prompt and padding tokens. */
  weights: Float32Array;
  klCoefficient: number;
  /** PPO ratio clip ε, or null for the plain (unclipped) surrogate. */
  clipRange: number | null;
}

export interface PolicyGradientResult {
  loss: number;
  /** Mean k3 KL estimate over weighted tokens. */
  kl: number;
  /** Fraction of weighted tokens whose ratio was clipped. */
  clipFraction: number;
  gradient: Float32Array;
}

/** Per-token cap on the k3 KL estimate (as in common RL trainers' low-variance KL). */
export const KL_TOKEN_CAP = 10;

/** Loss = Σ w·(−min(r·A, clip(r)·A) + β·min(k3, cap)) / Σ w, with k3 = exp(ref − logp) − (ref − logp) − 1. */
export function computePolicyGradientLoss(inputs: PolicyGradientInputs, normalizer?: number): PolicyGradientResult {
  const count = inputs.logProbs.length;
  const gradient = new Float32Array(count);
  let weightSum = 0;
  for (let index = 0; index < count; index += 1) weightSum += inputs.weights[index];
  const denominator = normalizer ?? Math.max(weightSum, 1e-8);
  let loss = 0;
  let kl = 0;
  let clipped = 0;
  for (let index = 0; index < count; index += 1) {
    const weight = inputs.weights[index];
    if (weight === 0) continue;
    const logProb = inputs.logProbs[index];
    const advantage = inputs.advantages[index];
    const ratio = Math.exp(logProb - inputs.oldLogProbs[index]);
    let surrogate = ratio * advantage;
    let surrogateGradient = -advantage * ratio;
    if (inputs.clipRange !== null) {
      const clippedRatio = Math.min(Math.max(ratio, 1 - inputs.clipRange), 1 + inputs.clipRange);
      if (clippedRatio * advantage < surrogate) {
        surrogate = clippedRatio * advantage;
        surrogateGradient = 0;
        clipped += weight;
      }
    }
    const difference = inputs.referenceLogProbs[index] - logProb;
    const expDifference = Math.exp(difference);
    const k3 = expDifference - difference - 1;
    // k3 grows as exp(ref − logp): one sampled token the policy has pushed far below the reference would otherwise
    // own the whole (norm-clipped) step. Past the cap the penalty is constant, so that token adds no gradient.
    const cappedKl = Math.min(k3, KL_TOKEN_CAP);
    loss += (weight * (-surrogate + inputs.klCoefficient * cappedKl)) / denominator;
    kl += weight * cappedKl;
    const klGradient = k3 < KL_TOKEN_CAP ? inputs.klCoefficient * (1 - expDifference) : 0;
    gradient[index] = (weight * (surrogateGradient + klGradient)) / denominator;
  }
  return { loss, kl: kl / Math.max(weightSum, 1e-8), clipFraction: clipped / Math.max(weightSum, 1e-8), gradient };
}

/** Advantage of each sample: its reward minus the mean reward of the samples drawn for the same state. */
export function computeGroupAdvantages(rewards: readonly number[]): number[] {
  const mean = rewards.reduce((total, reward) => total + reward, 0) / Math.max(1, rewards.length);
  return rewards.map((reward) => reward - mean);
}

/** Masked mean NLL: loss = −Σ w·logp / Σ w, with its gradient in each log-probability. */
export function computeWeightedNll(logProbs: Float32Array, weights: Float32Array, normalizer?: number): { loss: number; gradient: Float32Array; tokenCount: number } {
  let weightSum = 0;
  for (const weight of weights) weightSum += weight;
  const denominator = normalizer ?? Math.max(weightSum, 1e-8);
  const gradient = new Float32Array(logProbs.length);
  let loss = 0;
  for (let index = 0; index < logProbs.length; index += 1) {
    if (weights[index] === 0) continue;
    loss -= (weights[index] * logProbs[index]) / denominator;
    gradient[index] = -weights[index] / denominator;
  }
  return { loss, gradient, tokenCount: weightSum };
}
