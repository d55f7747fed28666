// Record selection streams: records come out as steps come in, and one pass split by output equals the in-memory training set.
import { RecordSelector, routeRecords, splitByKey, TRAINING_OUTPUTS, TrainingSetBuilder } from '../../../core/assemble';
import { TrainingRecord } from '../../../core/schemas';
import { Step } from '../../../core/schemas';
import { buildAssembleShards } from '../../support/assemble-fixtures';

const files = { sft: 'runs/r/train/sft.jsonl', states: 'runs/r/train/states.jsonl', validation: 'runs/r/train/validation.jsonl' };

function judgedBuilder(): { builder: TrainingSetBuilder; steps: Step[] } {
  const shards = buildAssembleShards(3, 'r');
  const builder = new TrainingSetBuilder({ runId: 'r', strategy: 'none', validationFraction: 0.3, files });
  for (const shard of shards) {
    for (const trajectory of shard.trajectories) builder.addTrajectory(trajectory);
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

/** One pass over the steps, split by output and read concurrently, as assembly uploads them. */
async function collectAll(selector: RecordSelector, steps: Step[]): Promise<Record<(typeof TRAINING_OUTPUTS)[number], TrainingRecord[]>> {
  const branches = splitByKey(routeRecords(selector, countingSource(steps).iterable), TRAINING_OUTPUTS, 2);
  const lists = await Promise.all(TRAINING_OUTPUTS.map(async (output) => {
    const records: TrainingRecord[] = [];
    for await (const record of branches[output]) records.push(record);
    return records;
  }));
  return { sft: lists[0], states: lists[1], validation: lists[2] };
}

describe('routeRecords', () => {
  it('pulls a step only when the consumer asks for the next record', async () => {
    const { builder, steps } = judgedBuilder();
    const reference = builder.createSelector();
    const routedIndices = steps.flatMap((step, index) => (reference.select(step).outputs.length > 0 ? [index] : []));
    expect(routedIndices.length).toBeGreaterThan(3);
    const source = countingSource(steps);
    const pairs = routeRecords(builder.createSelector(), source.iterable);
    expect(source.pulled()).toBe(0);
    const first = await pairs.next();
    expect(first.value?.[1]).toMatchObject({ id: steps[routedIndices[0]].id });
    // Exactly the steps up to this record were read; the rest of the source is untouched.
    expect(source.pulled()).toBe(routedIndices[0] + 1);
    expect(source.pulled()).toBeLessThan(steps.length);
    await pairs.return(undefined);
  });

  it('in one pass split by output, gives exactly the records and funnel counts the in-memory build produces', async () => {
    const { builder, steps } = judgedBuilder();
    for (const step of steps) builder.addStep(step);
    const inMemory = builder.finish();
    const selector = builder.createSelector();
    const streamed = await collectAll(selector, steps);
    for (const output of TRAINING_OUTPUTS) expect(streamed[output]).toEqual(inMemory[output]);
    expect(builder.buildManifest(selector.tally())).toEqual(inMemory.manifest);
    expect(inMemory.sft.length).toBeGreaterThan(0);
    expect(inMemory.validation.length).toBeGreaterThan(0);
    expect(inMemory.manifest.records.duplicatesRemoved).toBeGreaterThan(0);
  });

  it('gives every selector its own duplicate sets, so a second pass keeps what the first kept', async () => {
    const { builder, steps } = judgedBuilder();
    const first = builder.createSelector();
    const firstPass = await collectAll(first, steps);
    const second = builder.createSelector();
    expect(await collectAll(second, steps)).toEqual(firstPass);
    expect(second.tally()).toEqual(first.tally());
  });

  it('refuses a step whose trajectory the run does not have', async () => {
    const { builder, steps } = judgedBuilder();
    await expect(collectAll(builder.createSelector(), [{ ...steps[0], trajectoryId: 'nope#0' }])).rejects.toThrow('expected its trajectory "nope#0"');
  });
});
