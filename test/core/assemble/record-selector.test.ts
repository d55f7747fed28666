// Record selection streams: records come out as steps come in, and the streamed files equal the in-memory training set.
import { RecordSelector, selectRecords, summarizeTrajectory, TRAINING_OUTPUTS, TrainingSetBuilder } from '../../../core/assemble';
import { Step } from '../../../core/schemas';
import { buildAssembleShards } from '../../support/assemble-fixtures';

const files = { sft: 'runs/r/train/sft.jsonl', states: 'runs/r/train/states.jsonl', validation: 'runs/r/train/validation.jsonl' };

function judgedBuilder(): { builder: TrainingSetBuilder; steps: Step[] } {
  const shards = buildAssembleShards(3, 'r');
  const builder = new TrainingSetBuilder({ runId: 'r', strategy: 'none', validationFraction: 0.3, files });
  for (const shard of shards) {
    for (const trajectory of shard.trajectories) builder.addTrajectory(summarizeTrajectory(trajectory));
    for (const judgment of shard.judgments) builder.addJudgment(judgment);
  }
  return { builder, steps: shards.flatMap((shard) => shard.steps) };
}

/** An async source that records how far it has been read, as an S3 line reader would be. */
function countingSource(steps: Step[]): { iterable: AsyncIterable<Step>; pulled: () => number } {
  let pulled = 0;
  async function* generate(): AsyncGenerator<Step> {
    for (const step of steps) {
      pulled += 1;
      yield step;
    }
  }
  return { iterable: generate(), pulled: () => pulled };
}

async function collect(selector: RecordSelector, steps: Step[], output: (typeof TRAINING_OUTPUTS)[number]) {
  const records = [];
  for await (const record of selectRecords(selector, countingSource(steps).iterable, output)) records.push(record);
  return records;
}

describe('selectRecords', () => {
  it('pulls a step only when the consumer asks for the next record', async () => {
    const { builder, steps } = judgedBuilder();
    const reference = builder.createSelector();
    const sftIndices = steps.flatMap((step, index) => (reference.select(step).includes('sft') ? [index] : []));
    expect(sftIndices.length).toBeGreaterThan(3);
    const source = countingSource(steps);
    const records = selectRecords(builder.createSelector(), source.iterable, 'sft');
    expect(source.pulled()).toBe(0);
    for (const index of sftIndices.slice(0, 3)) {
      const next = await records.next();
      expect(next.value).toMatchObject({ id: steps[index].id });
      // Exactly the steps up to this record were read; the rest of the source is untouched.
      expect(source.pulled()).toBe(index + 1);
    }
    expect(source.pulled()).toBeLessThan(steps.length);
    await records.return(undefined);
  });

  it('streams, per output, exactly the records and funnel counts the in-memory build produces', async () => {
    const { builder, steps } = judgedBuilder();
    for (const step of steps) builder.addStep(step);
    const inMemory = builder.finish();
    for (const output of TRAINING_OUTPUTS) {
      const selector = builder.createSelector();
      expect(await collect(selector, steps, output)).toEqual(inMemory[output]);
      expect(builder.buildManifest(selector.tally())).toEqual(inMemory.manifest);
    }
    expect(inMemory.sft.length).toBeGreaterThan(0);
    expect(inMemory.validation.length).toBeGreaterThan(0);
    expect(inMemory.manifest.records.duplicatesRemoved).toBeGreaterThan(0);
  });

  it('gives every selector its own duplicate sets, so a second pass keeps what the first kept', async () => {
    const { builder, steps } = judgedBuilder();
    const first = builder.createSelector();
    const firstPass = await collect(first, steps, 'sft');
    const second = builder.createSelector();
    expect(await collect(second, steps, 'sft')).toEqual(firstPass);
    expect(second.tally()).toEqual(first.tally());
  });

  it('refuses a step whose trajectory the run does not have', async () => {
    const { builder, steps } = judgedBuilder();
    await expect(collect(builder.createSelector(), [{ ...steps[0], trajectoryId: 'nope#0' }], 'sft')).rejects.toThrow('expected its trajectory "nope#0"');
  });
});
