// The swirl objective: per recorded state, sample fresh actions, reward them, and take a token-level policy-gradient
// step on (reward − state mean) with a k3 KL penalty to the frozen reference and optional PPO-style clipping.
import type { TrainingRecord } from '../../../../core/schemas/training-record';
import { generateReplies } from '../generate/generate-reply';
import type { LlamaModel } from '../model/llama-model';
import { backward, noGrad } from '../tensor/autograd';
import { logSoftmaxGather } from '../tensor/ops';
import type { Rng } from '../tensor/random';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';
import type { MicroBatchResult, TrainingObjective } from '../train/train-loop';
import { createTokenBatch, encodePromptAndAction, TokenBatch } from './encode-record';
import { computeGroupAdvantages, computePolicyGradientLoss } from './policy-gradient-loss';
import type { BatchedRewardScorer } from './step-reward';

export interface SwirlSettings {
  samplesPerState: number;
  klCoefficient: number;
  clipRange: number | null;
  temperature: number;
  maxNewTokens: number;
  maxSequenceLength: number;
  /** Leave out of the update the states whose samples all scored the same (see selectInformativeSamples). */
  skipUniformGroups: boolean;
}

/**
 * Indices of the samples whose state's group has some reward spread. A group whose samples all scored the same has
 * zero advantage everywhere, so its only gradient would be the KL penalty's; leaving it out skips the most
 * expensive part of a step (forward and backward over long contexts) for states the policy already gets right, or
 * has no sampled alternative for, and spends the update on the states that tell actions apart.
 */
export function selectInformativeSamples(advantages: readonly number[], samplesPerState: number): number[] {
  const kept: number[] = [];
  for (let start = 0; start < advantages.length; start += samplesPerState) {
    const group = advantages.slice(start, start + samplesPerState);
    if (group.some((advantage) => Math.abs(advantage) > 1e-9)) group.forEach((_advantage, offset) => kept.push(start + offset));
  }
  return kept;
}

export interface SwirlOptions {
  policy: LlamaModel;
  /** Log-probabilities under the frozen reference (base model without the adapter, or a frozen copy). */
  referenceLogProbs: (batch: TokenBatch) => Float32Array;
  tokenizer: TextTokenizer;
  scorer: BatchedRewardScorer;
  settings: SwirlSettings;
}

export interface SampledGroups {
  samples: { record: TrainingRecord; action: string }[];
  rewards: number[];
  /** Reward minus its group's mean, per sample. */
  advantages: number[];
  meanReward: number;
}

export class SwirlObjective implements TrainingObjective<TrainingRecord> {
  readonly name = 'swirl';

  constructor(private readonly options: SwirlOptions) {}

  get samplesPerState(): number {
    return this.options.settings.samplesPerState;
  }

  /** Samples fresh actions for each record's state and scores them: one group of samplesPerState per record, in order. */
  async sampleGroups(records: readonly TrainingRecord[], rng: Rng): Promise<SampledGroups> {
    const { policy, tokenizer, settings, scorer } = this.options;
    const samples: { record: TrainingRecord; action: string }[] = [];
    for (const record of records) {
      const replies = generateReplies(policy, tokenizer, record.context, settings.samplesPerState, { temperature: settings.temperature, topP: 1, maxTokens: settings.maxNewTokens }, rng);
      for (const reply of replies) samples.push({ record, action: reply.text });
    }
    const rewards = await scorer.scoreAll(samples);
    const advantages: number[] = [];
    for (let group = 0; group < records.length; group += 1) {
      const start = group * settings.samplesPerState;
      advantages.push(...computeGroupAdvantages(rewards.slice(start, start + settings.samplesPerState)));
    }
    const meanReward = rewards.reduce((total, reward) => total + reward, 0) / Math.max(1, rewards.length);
    return { samples, rewards, advantages, meanReward };
  }

  async accumulate(records: readonly TrainingRecord[], lossScale: number, rng: Rng): Promise<MicroBatchResult> {
    const { policy, tokenizer, settings } = this.options;
    const { samples, advantages, meanReward } = await this.sampleGroups(records, rng);
    const kept = settings.skipUniformGroups ? selectInformativeSamples(advantages, settings.samplesPerState) : samples.map((_sample, index) => index);
    if (kept.length === 0) return { loss: 0, tokens: 0, reward: meanReward };
    const maxLength = Math.min(settings.maxSequenceLength, policy.config.maxPositions + 1);
    const batch = createTokenBatch(kept.map((index) => encodePromptAndAction(tokenizer, samples[index].record.context, samples[index].action, maxLength)), 0);
    const tokenAdvantages = new Float32Array(batch.targets.length);
    for (let row = 0; row < batch.batch; row += 1) tokenAdvantages.fill(advantages[kept[row]], row * batch.length, (row + 1) * batch.length);
    const referenceLogProbs = this.options.referenceLogProbs(batch);
    const logits = policy.forward(batch.inputs, batch.batch, batch.length, { dropoutRng: rng });
    const logProbs = logSoftmaxGather(logits, batch.targets);
    // One update per batch of samples: the sampling policy is the current one, so its log-probabilities are
    // the detached current values (the ratio starts at 1; the clip bounds how far later accumulation may move).
    const oldLogProbs = logProbs.data.slice();
    const result = computePolicyGradientLoss({
      logProbs: logProbs.data, oldLogProbs, referenceLogProbs, advantages: tokenAdvantages, weights: batch.weights,
      klCoefficient: settings.klCoefficient, clipRange: settings.clipRange,
    });
    let tokenCount = 0;
    for (const weight of batch.weights) tokenCount += weight;
    if (tokenCount > 0) {
      for (let index = 0; index < result.gradient.length; index += 1) result.gradient[index] *= lossScale;
      backward(logProbs, result.gradient);
    }
    return { loss: result.loss, tokens: batch.tokenCount, reward: meanReward, kl: result.kl };
  }
}

/** Reference log-probabilities from the same model with its LoRA adapter switched off. */
export function createAdapterOffReference(model: LlamaModel): (batch: TokenBatch) => Float32Array {
  return (batch) => noGrad(() => {
    const adapter = model.adapter;
    if (adapter) adapter.enabled = false;
    try {
      return logSoftmaxGather(model.forward(batch.inputs, batch.batch, batch.length), batch.targets).data;
    } finally {
      if (adapter) adapter.enabled = true;
    }
  });
}

/** Reference log-probabilities from a separate frozen model (full-weight training). */
export function createFrozenReference(reference: LlamaModel): (batch: TokenBatch) => Float32Array {
  return (batch) => noGrad(() => logSoftmaxGather(reference.forward(batch.inputs, batch.batch, batch.length), batch.targets).data);
}
