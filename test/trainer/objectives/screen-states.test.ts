import type { TrainingRecord } from '../../../core/schemas/training-record';
import type { ModelSink, ModelSource } from '../../../containers/trainer/src/model/model-source';
import { GroupSampler, loadOrScreenStates, SCREENING_FILE, screenStates } from '../../../containers/trainer/src/objectives/screen-states';
import { computeGroupAdvantages } from '../../../containers/trainer/src/objectives/policy-gradient-loss';

function createRecord(id: string): TrainingRecord {
  return {
    id, questionId: id, trajectoryId: id, stepIndex: 0, task: 'math',
    context: [{ role: 'user', content: `state ${id}` }], action: '<answer>1</answer>', reward: 1, behaviourLogProb: null,
    reference: { answer: '1', aliases: [], goldValues: [], supportingTitles: [], supportingSentences: [] },
  };
}

/** Scripted rewards per state id: the screening logic is under test, not the policy. */
function createSampler(rewardsById: Record<string, number[]>): GroupSampler & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    samplesPerState: 3,
    calls,
    async sampleGroups(records) {
      calls.push(records.map((record) => record.id));
      const rewards = records.flatMap((record) => rewardsById[record.id]);
      const advantages = records.flatMap((record) => computeGroupAdvantages(rewardsById[record.id]));
      return { samples: rewards.map((_, index) => ({ record: records[Math.floor(index / 3)], action: '' })), rewards, advantages, meanReward: 0 };
    },
  };
}

function createMemorySink(): ModelSource & ModelSink & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    description: 'memory:', files,
    readFile: async (name) => (files.has(name) ? Buffer.from(files.get(name)!) : null),
    writeFile: async (name, body) => { files.set(name, body.toString()); },
  };
}

const rewardsById: Record<string, number[]> = {
  good: [1, 1, 1], bad: [0, 0, 0], mixed: [1, 0, 0], partial: [0.5, 1, 1], alsoGood: [1, 1, 1],
};
const records = Object.keys(rewardsById).map(createRecord);

describe('screenStates', () => {
  it('keeps the states whose sampled actions got different rewards and counts the uniform ones', async () => {
    const screening = await screenStates(createSampler(rewardsById), records, { maxStates: 100, batchSize: 2, seed: 7 });
    expect([...screening.keptIds].sort()).toEqual(['mixed', 'partial']);
    expect(screening.kept.map((index) => records[index].id)).toEqual(screening.keptIds);
    expect({ screened: screening.screened, uniformHigh: screening.uniformHigh, uniformLow: screening.uniformLow }).toEqual({ screened: 5, uniformHigh: 2, uniformLow: 1 });
  });

  it('screens at most maxStates, a seeded draw, in batches of batchSize', async () => {
    const sampler = createSampler(rewardsById);
    const first = await screenStates(sampler, records, { maxStates: 3, batchSize: 2, seed: 7 });
    expect(sampler.calls.map((call) => call.length)).toEqual([2, 1]);
    expect(first.screened).toBe(3);
    const again = await screenStates(createSampler(rewardsById), records, { maxStates: 3, batchSize: 2, seed: 7 });
    expect(again).toEqual(first);
  });
});

describe('loadOrScreenStates', () => {
  it('saves the screening and reuses it on a rerun without sampling again', async () => {
    const sink = createMemorySink();
    const first = await loadOrScreenStates(sink, createSampler(rewardsById), records, { maxStates: 100, batchSize: 4, seed: 1 });
    expect(first.reused).toBe(false);
    expect(sink.files.has(SCREENING_FILE)).toBe(true);
    const sampler = createSampler(rewardsById);
    const second = await loadOrScreenStates(sink, sampler, records, { maxStates: 100, batchSize: 4, seed: 1 });
    expect(second).toEqual({ screening: first.screening, reused: true });
    expect(sampler.calls).toEqual([]);
  });

  it('refuses a saved screening written for other records, and a file that is not a screening', async () => {
    const sink = createMemorySink();
    await loadOrScreenStates(sink, createSampler(rewardsById), records, { maxStates: 100, batchSize: 4, seed: 1 });
    const reordered = [...records].reverse();
    await expect(loadOrScreenStates(sink, createSampler(rewardsById), reordered, { maxStates: 100, batchSize: 4, seed: 1 })).rejects.toThrow('was written for other state records');
    sink.files.set(SCREENING_FILE, JSON.stringify({ kept: [0] }));
    await expect(loadOrScreenStates(sink, createSampler(rewardsById), records, { maxStates: 100, batchSize: 4, seed: 1 })).rejects.toThrow('not a screening file');
  });
});
