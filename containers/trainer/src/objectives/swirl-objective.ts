// The swirl objective: per recorded state, sample fresh actions, reward them, and take a token-level policy-gradient
// step on (reward − state mean) with a k3 KL penalty to the frozen reference and optional PPO-style clipping.
import type { TrainingRecord } from '../../../../core/schemas/training-record';
import { BatchedGenerator } from '../generate/batched-generator';
import { generateReplies } from '../generate/generate-reply';
import type { LlamaModel } from '../model/llama-model';
import { backward, noGrad } from '../tensor/autograd';
import { logSoftmaxGather } from '../tensor/ops';
import type { Rng } from '../tensor/random';
import type { TextTokenizer } from '../tokenizer/load-tokenizer';
import type { MicroBatchResult, TrainingObjective } from '../train/train-loop';
import { combine, createTokenBatch, EncodedSequence, encodeAction, encodeContext, TokenBatch } from './encode-record';
import type { Tensor } from '../tensor/tensor';
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
  /** Samples per forward/backward pass when each is its own full row (default SEQUENCES_PER_PASS); the gradient is the same for any value. */
  sequencesPerPass?: number;
  /** Run a state's prompt once per pass with its samples' actions after it (default true); the gradient is the same either way. */
  sharePrompt?: boolean;
}

export const SEQUENCES_PER_PASS = 16;
/** Sampled sequences decoded together at most (each holds its own key-value cache while it decodes). */
export const SAMPLING_BATCH = 64;

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
  referenceLogProbs: (batch: TokenBatch, prefix: Int32Array | null) => Float32Array;
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

/** Rows of samples in one forward/backward pass, after a shared prompt prefix or (null) each a full sequence. */
interface Pass {
  rows: number[];
  batch: TokenBatch;
  prefix: Int32Array | null;
}

function forwardPass(model: LlamaModel, batch: TokenBatch, prefix: Int32Array | null, rng?: Rng): Tensor {
  return prefix ? model.forwardAfterPrefix(prefix, batch.inputs, batch.batch, batch.length, { dropoutRng: rng }) : model.forward(batch.inputs, batch.batch, batch.length, { dropoutRng: rng });
}

export class SwirlObjective implements TrainingObjective<TrainingRecord> {
  readonly name = 'swirl';

  constructor(private readonly options: SwirlOptions) {}

  get samplesPerState(): number {
    return this.options.settings.samplesPerState;
  }

  /**
   * Samples fresh actions for each record's state and scores them: one group of samplesPerState per record, in order.
   * Every group's samples decode together in one batched generator; each record takes one seed from `rng`, in record
   * order, and each sample its own stream from that seed, so a sample does not depend on the batch around it.
   */
  async sampleGroups(records: readonly TrainingRecord[], rng: Rng): Promise<SampledGroups> {
    const { policy, tokenizer, settings, scorer } = this.options;
    // A generator per call: its cached prefixes hold keys and values of the weights as they are now.
    const generator = new BatchedGenerator(policy, { maxBatch: Math.min(SAMPLING_BATCH, Math.max(1, records.length * settings.samplesPerState)) });
    const seeds = records.map(() => rng.nextUint32());
    const groups = await Promise.all(records.map((record, index) => generateReplies(generator, tokenizer, record.context, settings.samplesPerState, { temperature: settings.temperature, topP: 1, maxTokens: settings.maxNewTokens }, seeds[index])));
    const samples = groups.flatMap((replies, index) => replies.map((reply) => ({ record: records[index], action: reply.text })));
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
    const { policy, settings } = this.options;
    const { samples, advantages, meanReward } = await this.sampleGroups(records, rng);
    const kept = settings.skipUniformGroups ? selectInformativeSamples(advantages, settings.samplesPerState) : samples.map((_sample, index) => index);
    if (kept.length === 0) return { loss: 0, tokens: 0, reward: meanReward };
    const passes = this.planPasses(samples, kept);
    // Every pass divides by the step's total weight, so the passes' gradients add up to the one-pass gradient.
    const passWeights = passes.map((pass) => sumWeights(pass.batch.weights));
    const weightTotal = passWeights.reduce((total, weight) => total + weight, 0);
    let loss = 0;
    let klTotal = 0;
    let tokens = 0;
    for (const [passIndex, { rows, batch, prefix }] of passes.entries()) {
      const tokenAdvantages = new Float32Array(batch.targets.length);
      for (let row = 0; row < batch.batch; row += 1) tokenAdvantages.fill(advantages[rows[row]], row * batch.length, (row + 1) * batch.length);
      const referenceLogProbs = this.options.referenceLogProbs(batch, prefix);
      const logits = forwardPass(policy, batch, prefix, rng);
      const logProbs = logSoftmaxGather(logits, batch.targets);
      // One update per batch of samples: the sampling policy is the current one, so its log-probabilities are
      // the detached current values (the ratio starts at 1; the clip bounds how far later accumulation may move).
      // The clipped-ratio and KL terms are computed on the host from each action token's log-prob (4 bytes a token
      // from a device); the gradient they give goes back as the seed of the backward pass.
      const currentLogProbs = logProbs.toHost();
      const oldLogProbs = currentLogProbs.slice();
      const result = computePolicyGradientLoss({
        logProbs: currentLogProbs, oldLogProbs, referenceLogProbs, advantages: tokenAdvantages, weights: batch.weights,
        klCoefficient: settings.klCoefficient, clipRange: settings.clipRange,
      }, Math.max(weightTotal, 1e-8));
      const passWeight = passWeights[passIndex];
      loss += result.loss;
      klTotal += result.kl * passWeight;
      tokens += batch.tokenCount + (prefix?.length ?? 0);
      if (passWeight > 0) {
        for (let index = 0; index < result.gradient.length; index += 1) result.gradient[index] *= lossScale;
        backward(logProbs, result.gradient);
      }
    }
    return { loss, tokens, reward: meanReward, kl: klTotal / Math.max(weightTotal, 1e-8) };
  }

  /**
   * The forward/backward passes of one step. The samples of a state share its prompt, which then runs once per
   * pass with every sample's action as a row after it (the actions are a few dozen tokens, the prompt hundreds).
   * A prompt that would need cutting to fit maxSequenceLength goes the plain way: each sample its own full row,
   * in passes of at most sequencesPerPass rows of similar length.
   */
  private planPasses(samples: readonly { record: TrainingRecord; action: string }[], kept: readonly number[]): Pass[] {
    const { policy, tokenizer, settings } = this.options;
    const maxLength = Math.min(settings.maxSequenceLength, policy.config.maxPositions + 1);
    const passes: Pass[] = [];
    const plain: { index: number; sequence: EncodedSequence }[] = [];
    for (let start = 0; start < kept.length;) {
      let end = start;
      while (end < kept.length && samples[kept[end]].record === samples[kept[start]].record) end += 1;
      const group = kept.slice(start, end);
      const prompt = encodeContext(tokenizer, samples[group[0]].record.context);
      const completions = group.map((index) => encodeAction(tokenizer, samples[index].action));
      if ((settings.sharePrompt ?? true) && prompt.length >= 2 && prompt.length + Math.max(...completions.map((completion) => completion.length)) <= maxLength) {
        // Each row restarts from the prompt's last token, so that row predicts its own first action token.
        const last = prompt[prompt.length - 1];
        const rows = completions.map((completion) => ({ tokens: [last, ...completion], weights: [0, ...completion.map(() => 1)], promptLength: 1 }));
        passes.push({ rows: group, batch: createTokenBatch(rows, 0), prefix: Int32Array.from(prompt.slice(0, -1)) });
      } else {
        group.forEach((index, offset) => plain.push({ index, sequence: combine(prompt, completions[offset], maxLength) }));
      }
      start = end;
    }
    plain.sort((left, right) => left.sequence.tokens.length - right.sequence.tokens.length);
    const passSize = settings.sequencesPerPass ?? SEQUENCES_PER_PASS;
    for (let start = 0; start < plain.length; start += passSize) {
      const part = plain.slice(start, start + passSize);
      passes.push({ rows: part.map((entry) => entry.index), batch: createTokenBatch(part.map((entry) => entry.sequence), 0), prefix: null });
    }
    return passes;
  }
}

function sumWeights(weights: Float32Array): number {
  let total = 0;
  for (const weight of weights) total += weight;
  return total;
}

/** Reference log-probabilities from the same model with its LoRA adapter switched off. */
export function createAdapterOffReference(model: LlamaModel): SwirlOptions['referenceLogProbs'] {
  return (batch, prefix) => noGrad(() => {
    const adapter = model.adapter;
    if (adapter) adapter.enabled = false;
    try {
      return logSoftmaxGather(forwardPass(model, batch, prefix), batch.targets).toHost();
    } finally {
      if (adapter) adapter.enabled = true;
    }
  });
}

/** Reference log-probabilities from a separate frozen model (full-weight training). */
export function createFrozenReference(reference: LlamaModel): SwirlOptions['referenceLogProbs'] {
  return (batch, prefix) => noGrad(() => logSoftmaxGather(forwardPass(reference, batch, prefix), batch.targets).toHost());
}
