// Stage 5 over S3: reads every trajectories/steps/judged part of a run and streams runs/<run>/train/ out, part by part.
import { JudgmentSchema } from '../schemas/judgment';
import { RunConfigSchema } from '../schemas/run-config';
import { Step, StepSchema } from '../schemas/step';
import { TrajectorySchema } from '../schemas/trajectory';
import { ObjectStore } from '../store/object-store';
import { RUN_FILES } from '../store/run-keys';
import { RunStore } from '../store/run-store';
import { routeRecords, TRAINING_OUTPUTS } from './record-selector';
import { splitByKey } from './split-by-key';
import { TrainManifest } from './train-manifest';
import { TrainingSetBuilder } from './training-set-builder';
import { z } from 'zod';

export interface AssembleRunResult {
  runId: string;
  manifestKey: string;
  sft: number;
  states: number;
  validation: number;
  trajectories: number;
  steps: number;
}

function shardOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1).replace(/\.jsonl$/, '');
}

async function* readPart<T extends z.ZodType>(objects: ObjectStore, key: string, schema: T): AsyncGenerator<z.infer<T>> {
  for await (const entry of objects.readJsonLines(key, schema)) {
    if (entry.error !== undefined) throw new Error(`${key} line ${entry.line}: ${entry.error}`);
    yield entry.value;
  }
}

/** Every steps part in shard order, one line at a time: the order that decides which of two repeated steps is kept. */
async function* readSteps(store: RunStore, shards: string[]): AsyncGenerator<Step> {
  for (const shard of shards) yield* readPart(store.objects, store.key(RUN_FILES.steps(shard)), StepSchema);
}

/** Every rollout shard must have been decomposed and judged; a missing part would silently shrink the training set. */
async function listShards(store: RunStore): Promise<string[]> {
  const shards = (await store.listParts('trajectories')).filter((key) => !key.endsWith('.progress.jsonl')).map(shardOf);
  if (shards.length === 0) throw new Error(`assemble: expected trajectory parts under ${store.key('trajectories/')}, found none`);
  const steps = new Set((await store.listParts('steps')).map(shardOf));
  const judged = new Set((await store.listParts('judged')).map(shardOf));
  const missing = shards.flatMap((shard) => [
    ...(steps.has(shard) ? [] : [store.key(RUN_FILES.steps(shard))]),
    ...(judged.has(shard) ? [] : [store.key(RUN_FILES.judged(shard))]),
  ]);
  if (missing.length > 0) throw new Error(`assemble: expected a steps and a judged part for every trajectories part, missing: ${missing.join(', ')}`);
  return shards;
}

export async function assembleRun(objects: ObjectStore, event: { runId: string }): Promise<AssembleRunResult> {
  const store = new RunStore(objects, event.runId);
  const config = await store.getJson(RUN_FILES.config, RunConfigSchema);
  if (config === null) throw new Error(`assemble: expected the run config at ${store.key(RUN_FILES.config)}, found nothing`);
  await store.updateStatus({ stage: 'assemble', stageState: 'RUNNING' });
  const shards = await listShards(store);
  const files: TrainManifest['files'] = { sft: store.key(RUN_FILES.sft), states: store.key(RUN_FILES.states), validation: store.key(RUN_FILES.validation) };
  const builder = new TrainingSetBuilder({ runId: event.runId, strategy: config.filter, rlStates: config.rlStates, validationFraction: config.validationFraction, files });
  for (const shard of shards) {
    for await (const trajectory of readPart(objects, store.key(RUN_FILES.trajectories(shard)), TrajectorySchema)) {
      builder.addTrajectory(trajectory);
    }
    for await (const judgment of readPart(objects, store.key(RUN_FILES.judged(shard)), JudgmentSchema)) builder.addJudgment(judgment);
  }
  // A rerun rewrites the record files; without this an old manifest would vouch for a half-rewritten set.
  await objects.delete(store.key(RUN_FILES.trainManifest));
  // One streaming pass feeds the three uploads at once, holding only hashes and a few records in memory, never the
  // whole set (full contexts, at scale gigabytes).
  const selector = builder.createSelector();
  const branches = splitByKey(routeRecords(selector, readSteps(store, shards)), TRAINING_OUTPUTS);
  // Settle all three before failing, so no upload is still writing when the caller retries.
  const uploads = await Promise.allSettled(TRAINING_OUTPUTS.map((output) => store.putJsonLines(RUN_FILES[output], branches[output])));
  const failed = uploads.find((upload): upload is PromiseRejectedResult => upload.status === 'rejected');
  if (failed) throw failed.reason;
  const tally = selector.tally();
  const manifest = builder.buildManifest(tally);
  // The manifest goes last: its presence means the three record files are complete.
  await store.putJson(RUN_FILES.trainManifest, manifest);
  await store.updateStatus({
    stage: 'assemble', stageState: 'SUCCEEDED',
    counts: { trajectories: manifest.trajectories, steps: manifest.steps, sft: manifest.records.sft, states: manifest.records.states, validation: manifest.records.validation },
  });
  return {
    runId: event.runId,
    manifestKey: store.key(RUN_FILES.trainManifest),
    sft: manifest.records.sft,
    states: manifest.records.states,
    validation: manifest.records.validation,
    trajectories: manifest.trajectories,
    steps: manifest.steps,
  };
}
