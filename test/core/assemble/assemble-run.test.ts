// assembleRun over several shards in the embedded S3 server: streamed files equal a whole-set reference build, manifest last.
import { assembleRun, isValidationQuestion, TrainManifestSchema } from '../../../core/assemble';
import { classifyTrajectory } from '../../../core/filters/trajectory-filter';
import { hashJson } from '../../../core/judges';
import { FilterStrategy, readGoldValues, TrainingRecord, TrainingRecordSchema, Verdict } from '../../../core/schemas';
import { ObjectEvent } from '../../../local/s3/embedded-s3-server';
import { ObjectStore, RunStore } from '../../../core/store';
import { buildAssembleShards, seedAssembleRun, SeededShard } from '../../support/assemble-fixtures';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

/** The whole-set algorithm written out independently: every record in memory, filled in step order. */
function referenceAssembly(shards: SeededShard[], strategy: FilterStrategy, validationFraction: number) {
  const verdicts = new Map<string, Verdict>();
  const outcomes = new Map<string, boolean>();
  for (const judgment of shards.flatMap((shard) => shard.judgments)) {
    if (judgment.type === 'process') verdicts.set(judgment.stepId, judgment.verdict);
    else outcomes.set(judgment.trajectoryId, judgment.correct);
  }
  const trajectories = new Map(shards.flatMap((shard) => shard.trajectories).map((trajectory) => [trajectory.id, trajectory]));
  const kept = new Set([...trajectories.values()].filter((trajectory) => classifyTrajectory({
    trajectoryId: trajectory.id,
    stepVerdicts: trajectory.turns.map((_, index) => verdicts.get(`${trajectory.id}@${index}`) ?? null),
    correct: outcomes.get(trajectory.id) ?? null,
  }, strategy) === 'kept').map((trajectory) => trajectory.id));
  const output = { sft: [] as TrainingRecord[], states: [] as TrainingRecord[], validation: [] as TrainingRecord[], candidateSteps: 0, stateSteps: 0, duplicatesRemoved: 0 };
  const seenRecords = new Set<string>();
  const seenStates = new Set<string>();
  for (const step of shards.flatMap((shard) => shard.steps)) {
    if (!kept.has(step.trajectoryId)) continue;
    output.candidateSteps += 1;
    const question = trajectories.get(step.trajectoryId)!.question;
    const verdict = verdicts.get(step.id);
    const record: TrainingRecord = {
      id: step.id, questionId: step.questionId, trajectoryId: step.trajectoryId, stepIndex: step.stepIndex, task: question.task,
      context: step.context, action: step.action, reward: verdict === 'GOOD' ? 1 : verdict === 'BAD' ? 0 : null, behaviourLogProb: null,
      reference: {
        answer: question.answer, aliases: question.aliases, goldValues: readGoldValues(question),
        supportingTitles: [...new Set(question.supportingFacts.map((fact) => fact.title))],
        supportingSentences: question.supportingFacts.length > 0 && question.supportingFacts.every((fact) => fact.text !== undefined)
          ? question.supportingFacts.map((fact) => ({ title: fact.title, text: fact.text! }))
          : [],
      },
    };
    const validation = isValidationQuestion(step.questionId, validationFraction);
    const recordKey = JSON.stringify([validation, step.context, step.action]);
    if (seenRecords.has(recordKey)) output.duplicatesRemoved += 1;
    else {
      seenRecords.add(recordKey);
      (validation ? output.validation : output.sft).push(record);
    }
    const stateKey = JSON.stringify(step.context);
    if (!validation) output.stateSteps += 1;
    if (!validation && !seenStates.has(stateKey)) {
      seenStates.add(stateKey);
      output.states.push(record);
    }
  }
  return output;
}

function linesOf(records: TrainingRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

describe('assembleRun', () => {
  const s3 = useEmbeddedObjectStore({ bucket: 'swirl-assemble-run' });

  it.each([['none', 0.3], ['process', 0.5], ['outcome', 0.25]] as const)('streams %s-filtered records over four shards exactly as a whole-set build would', async (strategy, validationFraction) => {
    const runId = `stream-${strategy}`;
    const store = new RunStore(s3.objects, runId);
    const shards = buildAssembleShards(4, runId);
    await seedAssembleRun(store, shards, strategy, validationFraction);
    const result = await assembleRun(s3.objects, { runId });

    const expected = referenceAssembly(shards, strategy, validationFraction);
    // Cross-shard repeats and both sides of the split occur, so ordering and duplicate removal are really exercised.
    expect([expected.sft.length, expected.validation.length, expected.duplicatesRemoved].every((count) => count > 0)).toBe(true);
    for (const output of ['sft', 'states', 'validation'] as const) {
      const text = await store.objects.getText(store.key(`train/${output}.jsonl`));
      expect(text ?? '').toBe(linesOf(expected[output]));
    }
    const sft = await store.readAllJsonLines('train/sft.jsonl', TrainingRecordSchema);
    const validation = await store.readAllJsonLines('train/validation.jsonl', TrainingRecordSchema);
    const pairs = sft.map((record) => hashJson([record.context, record.action]));
    expect(new Set(pairs).size).toBe(pairs.length);
    const trainQuestions = new Set(sft.map((record) => record.questionId));
    expect(validation.filter((record) => trainQuestions.has(record.questionId))).toEqual([]);

    const manifest = (await store.getJson('train/manifest.json', TrainManifestSchema))!;
    expect(manifest.steps).toBe(shards.reduce((sum, shard) => sum + shard.steps.length, 0));
    expect(manifest.trajectories).toBe(4 * 24);
    expect(manifest.verdicts.tool_call.missing + manifest.verdicts.answer.missing + manifest.verdicts.invalid.missing)
      .toBe(shards.reduce((sum, shard) => sum + shard.steps.filter((_, index) => index % 5 === 4).length, 0));
    expect(manifest.records).toEqual({
      candidateSteps: expected.candidateSteps, stateSteps: expected.stateSteps, duplicatesRemoved: expected.duplicatesRemoved,
      sft: expected.sft.length, states: expected.states.length, validation: expected.validation.length,
    });
    expect(manifest.questions).toEqual({ train: trainQuestions.size, validation: new Set(validation.map((record) => record.questionId)).size });
    expect(result).toEqual({ runId, manifestKey: `runs/${runId}/train/manifest.json`, sft: expected.sft.length, states: expected.states.length, validation: expected.validation.length, trajectories: 96, steps: manifest.steps });

    const writes: string[] = [];
    const listener = (event: ObjectEvent) => {
      if (event.key.startsWith(`runs/${runId}/train/`)) writes.push(`${event.eventName.split(':')[0]} ${event.key.slice(event.key.lastIndexOf('/') + 1)}`);
    };
    s3.server.events.on('object', listener);
    try {
      expect(await assembleRun(s3.objects, { runId })).toEqual(result);
    } finally {
      s3.server.events.off('object', listener);
    }
    // On a rerun the stale manifest goes first and the new one last, so its presence always means three complete
    // files; the three record files are uploaded concurrently from one pass, in any order.
    expect(writes[0]).toBe('ObjectRemoved manifest.json');
    expect(writes.slice(1, 4).sort()).toEqual(['ObjectCreated sft.jsonl', 'ObjectCreated states.jsonl', 'ObjectCreated validation.jsonl']);
    expect(writes.slice(4)).toEqual(['ObjectCreated manifest.json']);
    expect(await store.getJson('train/manifest.json', TrainManifestSchema)).toEqual(manifest);
    expect((await store.objects.getText(store.key('train/sft.jsonl'))) ?? '').toBe(linesOf(expected.sft));
  });
  it('fails without a manifest when one of the three uploads fails, and a rerun then completes', async () => {
    const runId = 'upload-fails';
    const store = new RunStore(s3.objects, runId);
    await seedAssembleRun(store, buildAssembleShards(2, runId), 'none', 0.3);
    const expected = await assembleRun(s3.objects, { runId });
    /** The real store, except that the states upload breaks halfway through its records. */
    class BrokenStore extends ObjectStore {
      override async putJsonLines(key: string, records: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
        if (!key.endsWith('train/states.jsonl')) return super.putJsonLines(key, records);
        let seen = 0;
        for await (const _record of records as AsyncIterable<unknown>) if (++seen === 3) throw new Error('connection reset');
        return seen;
      }
    }
    await expect(assembleRun(new BrokenStore(s3.settings), { runId })).rejects.toThrow('connection reset');
    expect(await store.exists('train/manifest.json')).toBe(false);
    expect(await assembleRun(s3.objects, { runId })).toEqual(expected);
  });
});
