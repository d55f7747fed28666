import type { TrainingRecord } from '../../../core/schemas/training-record';
import { LoraAdapter } from '../../../containers/trainer/src/lora/lora-adapter';
import { createTokenBatch, encodePromptAndAction } from '../../../containers/trainer/src/objectives/encode-record';
import { BatchedRewardScorer, StepReward } from '../../../containers/trainer/src/objectives/step-reward';
import { createAdapterOffReference, selectInformativeSamples, SwirlObjective } from '../../../containers/trainer/src/objectives/swirl-objective';
import { noGrad } from '../../../containers/trainer/src/tensor/autograd';
import { logSoftmaxGather } from '../../../containers/trainer/src/tensor/ops';
import { Rng } from '../../../containers/trainer/src/tensor/random';
import { createTestTokenizer, createTinyModel, selectTestBackend } from '../tiny-model';

beforeAll(() => selectTestBackend());

const record: TrainingRecord = {
  id: 't1@0', questionId: 'q1', trajectoryId: 't1', stepIndex: 0, task: 'math',
  context: [{ role: 'user', content: 'What is 2+3?' }], action: '<answer>5</answer>', reward: 1, behaviourLogProb: null,
  reference: { answer: '5', aliases: [], goldValues: [5], supportingTitles: [], supportingSentences: [] },
};

describe('SwirlObjective', () => {
  it('raises the log-probability of rewarded samples relative to unrewarded ones after one step', async () => {
    const tokenizer = createTestTokenizer();
    const model = createTinyModel(8);
    model.setBaseTrainable(false);
    model.adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'v_proj', 'up_proj', 'down_proj'] }, new Rng(1));
    const scored: { action: string; reward: number }[] = [];
    const reward: StepReward = {
      id: 'ascii-start',
      score: async (_, action) => {
        const value = action.charCodeAt(0) < 128 ? 1 : 0;
        scored.push({ action, reward: value });
        return value;
      },
    };
    const scorer = new BatchedRewardScorer(reward, 4);
    const objective = new SwirlObjective({
      policy: model, tokenizer, scorer, referenceLogProbs: createAdapterOffReference(model),
      settings: { samplesPerState: 8, klCoefficient: 0, clipRange: 0.2, temperature: 1, maxNewTokens: 6, maxSequenceLength: 128, skipUniformGroups: true },
    });
    const sequenceLogProb = (action: string): number => noGrad(() => {
      const batch = createTokenBatch([encodePromptAndAction(tokenizer, record.context, action, 128)], 0);
      const logProbs = logSoftmaxGather(model.forward(batch.inputs, 1, batch.length), batch.targets).data;
      return logProbs.reduce((total, value, index) => total + value * batch.weights[index], 0);
    });
    const result = await objective.accumulate([record], 1, new Rng(3));
    expect(new Set(scored.map((entry) => entry.reward)).size).toBe(2);
    expect(result.reward).toBeCloseTo(scored.reduce((total, entry) => total + entry.reward, 0) / scored.length, 6);
    expect(result.kl).toBeCloseTo(0, 6); // B starts at zero: policy equals reference
    const before = scored.map((entry) => sequenceLogProb(entry.action));
    // Plain gradient descent on the adapter, so the check does not depend on the optimizer.
    for (const parameter of model.adapter.namedParameters().values()) {
      parameter.data.forEach((_, index) => { parameter.data[index] -= 0.05 * parameter.grad![index]; });
    }
    const change = scored.map((entry, index) => sequenceLogProb(entry.action) - before[index]);
    const meanChange = (wanted: number) => {
      const picked = change.filter((_, index) => scored[index].reward === wanted);
      return picked.reduce((total, value) => total + value, 0) / picked.length;
    };
    expect(meanChange(1)).toBeGreaterThan(meanChange(0));
  });

  it('leaves states whose samples all scored the same out of the update, unless told to keep them', async () => {
    const tokenizer = createTestTokenizer();
    const run = async (skipUniformGroups: boolean) => {
      const model = createTinyModel(8);
      model.setBaseTrainable(false);
      model.adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'v_proj'] }, new Rng(1));
      const constant: StepReward = { id: 'constant', score: async () => 1 };
      const objective = new SwirlObjective({
        policy: model, tokenizer, scorer: new BatchedRewardScorer(constant, 4), referenceLogProbs: createAdapterOffReference(model),
        settings: { samplesPerState: 4, klCoefficient: 0.05, clipRange: 0.2, temperature: 1, maxNewTokens: 6, maxSequenceLength: 128, skipUniformGroups },
      });
      const result = await objective.accumulate([record, record], 1, new Rng(5));
      const gradientNorm = [...model.adapter.namedParameters().values()].reduce((total, parameter) => total + Array.from(parameter.grad ?? new Float32Array(0)).reduce((sum, value) => sum + Math.abs(value), 0), 0);
      return { result, gradientNorm };
    };
    const skipped = await run(true);
    expect(skipped.result).toEqual({ loss: 0, tokens: 0, reward: 1 });
    expect(skipped.gradientNorm).toBe(0);
    const kept = await run(false);
    expect(kept.result.tokens).toBeGreaterThan(0);
    expect(kept.result.reward).toBe(1);
  });

  it('gives the same loss, KL and gradient with a shared prompt as with full rows, in one pass or many', async () => {
    const tokenizer = createTestTokenizer();
    const second: TrainingRecord = { ...record, id: 't2@0', context: [{ role: 'user', content: 'What is 12 times 31, then minus 4?' }] };
    const run = async (sharePrompt: boolean, sequencesPerPass: number) => {
      const model = createTinyModel(8);
      model.setBaseTrainable(false);
      model.adapter = LoraAdapter.initialize(model.config, { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'v_proj', 'down_proj'] }, new Rng(1));
      // Nudge the adapter off zero so the policy differs from the reference and the KL term has a gradient too.
      for (const parameter of model.adapter.namedParameters().values()) parameter.data.forEach((value, index) => { parameter.data[index] = value + 0.01 * Math.sin(index); });
      const reward: StepReward = { id: 'ascii-start', score: async (_, action) => (action.charCodeAt(0) < 128 ? 1 : 0) };
      const objective = new SwirlObjective({
        policy: model, tokenizer, scorer: new BatchedRewardScorer(reward, 4), referenceLogProbs: createAdapterOffReference(model),
        settings: { samplesPerState: 6, klCoefficient: 0.1, clipRange: 0.2, temperature: 1, maxNewTokens: 6, maxSequenceLength: 128, skipUniformGroups: false, sharePrompt, sequencesPerPass },
      });
      const result = await objective.accumulate([record, second], 1, new Rng(11));
      const gradients = [...model.adapter.namedParameters().values()].flatMap((parameter) => Array.from(parameter.grad!));
      return { result, gradients };
    };
    const whole = await run(false, 64);
    expect(whole.gradients.some((value) => Math.abs(value) > 1e-6)).toBe(true);
    const shared = await run(true, 64);
    // The prompt's tokens are counted once per state instead of once per sample.
    expect(shared.result.tokens).toBeLessThan(whole.result.tokens);
    for (const other of [await run(false, 5), shared]) {
      expect(other.result.loss).toBeCloseTo(whole.result.loss, 5);
      expect(other.result.kl!).toBeCloseTo(whole.result.kl!, 5);
      other.gradients.forEach((value, index) => expect(value).toBeCloseTo(whole.gradients[index], 4));
    }
  });

  it('selects every sample of a group with reward spread and none of a uniform one', () => {
    expect(selectInformativeSamples([0, 0, 0, 0.5, -0.5, 0, 0, 0, 0], 3)).toEqual([3, 4, 5]);
    expect(selectInformativeSamples([0.25, -0.25, 0, 0], 2)).toEqual([0, 1]);
    expect(selectInformativeSamples([], 4)).toEqual([]);
  });
});
