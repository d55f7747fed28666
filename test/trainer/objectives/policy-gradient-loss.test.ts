import { computeGroupAdvantages, computePolicyGradientLoss, computeWeightedNll, KL_TOKEN_CAP, PolicyGradientInputs } from '../../../containers/trainer/src/objectives/policy-gradient-loss';

function inputs(overrides: Partial<PolicyGradientInputs> = {}): PolicyGradientInputs {
  return {
    logProbs: Float32Array.from([-1.2, -0.4, -2.5, -0.9]),
    oldLogProbs: Float32Array.from([-1.0, -0.6, -2.5, -0.1]),
    referenceLogProbs: Float32Array.from([-1.5, -0.3, -2.0, -0.7]),
    advantages: Float32Array.from([0.5, 0.5, -0.5, -0.5]),
    weights: Float32Array.from([1, 1, 1, 0]),
    klCoefficient: 0.1,
    clipRange: null,
    ...overrides,
  };
}

describe('policy-gradient loss', () => {
  it.each([[null], [0.2]])('has the gradient of its loss (central differences, clip %s)', (clipRange) => {
    const base = inputs({ clipRange });
    const { gradient } = computePolicyGradientLoss(base);
    const step = 1e-3;
    for (let index = 0; index < 3; index += 1) {
      const plus = Float32Array.from(base.logProbs);
      const minus = Float32Array.from(base.logProbs);
      plus[index] += step;
      minus[index] -= step;
      const numeric = (computePolicyGradientLoss({ ...base, logProbs: plus }).loss - computePolicyGradientLoss({ ...base, logProbs: minus }).loss) / (2 * step);
      expect(gradient[index]).toBeCloseTo(numeric, 3);
    }
    expect(gradient[3]).toBe(0);
  });

  it('stops the gradient of tokens whose ratio left the clip range in the advantage direction', () => {
    // Token 0: ratio e^0.5 > 1.2 with positive advantage → clipped; token 1: ratio e^-0.5 with positive advantage → kept.
    const result = computePolicyGradientLoss(inputs({
      logProbs: Float32Array.from([0, -1, -1, -1]), oldLogProbs: Float32Array.from([-0.5, -0.5, -1, -1]),
      referenceLogProbs: Float32Array.from([0, -1, -1, -1]), clipRange: 0.2, klCoefficient: 0,
    }));
    expect(result.gradient[0]).toBe(0);
    expect(result.gradient[1]).toBeLessThan(0);
    expect(result.clipFraction).toBeCloseTo(1 / 3, 6);
  });

  it('estimates KL with k3: zero where policy and reference agree, positive otherwise', () => {
    const same = computePolicyGradientLoss(inputs({ referenceLogProbs: Float32Array.from([-1.2, -0.4, -2.5, -0.9]) }));
    expect(same.kl).toBeCloseTo(0, 7);
    expect(computePolicyGradientLoss(inputs()).kl).toBeGreaterThan(0);
  });

  it('caps each token\'s KL, so one token pushed far below the reference neither dominates the loss nor adds gradient', () => {
    // Token 0: ref − logp = 12, k3 = e^12 − 13 ≈ 162742 uncapped; token 1 agrees with the reference.
    const result = computePolicyGradientLoss(inputs({
      logProbs: Float32Array.from([-12.5, -0.4, -2.5, -0.9]), referenceLogProbs: Float32Array.from([-0.5, -0.4, -2.5, -0.9]),
      advantages: Float32Array.from([0, 0, 0, 0]), weights: Float32Array.from([1, 1, 0, 0]), klCoefficient: 1,
    }));
    expect(result.kl).toBeCloseTo(KL_TOKEN_CAP / 2, 6);
    expect(result.loss).toBeCloseTo(KL_TOKEN_CAP / 2, 6);
    expect(result.gradient[0]).toBe(0);
    // Below the cap the penalty pulls the policy back: d k3 / d logp = 1 − exp(ref − logp) < 0 when logp < ref.
    const belowCap = computePolicyGradientLoss(inputs({
      logProbs: Float32Array.from([-1.5, -0.4, -2.5, -0.9]), referenceLogProbs: Float32Array.from([-0.5, -0.4, -2.5, -0.9]),
      advantages: Float32Array.from([0, 0, 0, 0]), weights: Float32Array.from([1, 1, 0, 0]), klCoefficient: 1,
    }));
    expect(belowCap.gradient[0]).toBeLessThan(0);
  });

  it('centres rewards per state and averages NLL over weighted tokens', () => {
    expect(computeGroupAdvantages([1, 0, 0, 1])).toEqual([0.5, -0.5, -0.5, 0.5]);
    expect(computeGroupAdvantages([1, 1])).toEqual([0, 0]);
    const nll = computeWeightedNll(Float32Array.from([-1, -3, -5]), Float32Array.from([0, 1, 1]));
    expect(nll.loss).toBeCloseTo(4, 6);
    expect(Array.from(nll.gradient)).toEqual([0, -0.5, -0.5]);
  });
});
