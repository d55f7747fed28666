// Reads what the stages left in runs/<run>/ for the report; anything missing or unreadable becomes a listed problem.
import { z } from 'zod';
import { gatherEvaluation } from '../evaluate/gather-evaluation';
import { TrainManifestSchema } from '../assemble/train-manifest';
import { ObjectStore } from '../store/object-store';
import { RunStore } from '../store/run-store';
import { RUN_FILES } from '../store/run-keys';
import { readStageTimings } from '../store/shard-timing';
import { ReportInputs, TrainingStep, TrainingStepSchema, TrajectoryTally } from './run-metrics';

/** Only what the histogram and the token accounting need from a trajectory line. */
const TrajectoryCountsSchema = z.looseObject({
  turns: z.array(z.unknown()),
  finishReason: z.string(),
  usage: z.looseObject({ inputTokens: z.number(), outputTokens: z.number() }),
  costUsd: z.number().optional(),
});
const TrainingSummarySchema = z.looseObject({
  finalLoss: z.number().nullable().optional(),
  validationLoss: z.number().nullable().optional(),
  screening: z.looseObject({ screened: z.number(), informative: z.number() }).nullable().optional(),
});
const TRAINING_METRICS_FILE = 'metrics.jsonl';
const TRAINING_SUMMARY_FILE = 'summary.json';

async function readOptional<T>(problems: string[], what: string, read: () => Promise<T | null>): Promise<T | null> {
  try {
    const value = await read();
    if (value === null) problems.push(`${what}: not found`);
    return value;
  } catch (error) {
    problems.push(`${what}: ${(error as Error).message}`);
    return null;
  }
}

async function tallyTrajectories(store: RunStore, problems: string[]): Promise<TrajectoryTally | null> {
  const parts = (await store.listParts('trajectories')).filter((key) => !key.endsWith('.progress.jsonl'));
  if (parts.length === 0) {
    problems.push(`${store.key('trajectories')}/: no trajectory parts`);
    return null;
  }
  const tally: TrajectoryTally = { count: 0, steps: {}, finishReasons: {}, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  let badLines = 0;
  for (const key of parts) {
    for await (const line of store.objects.readJsonLines(key, TrajectoryCountsSchema)) {
      if (line.error !== undefined) {
        badLines += 1;
        continue;
      }
      const trajectory = line.value;
      tally.count += 1;
      tally.steps[trajectory.turns.length] = (tally.steps[trajectory.turns.length] ?? 0) + 1;
      tally.finishReasons[trajectory.finishReason] = (tally.finishReasons[trajectory.finishReason] ?? 0) + 1;
      tally.inputTokens += trajectory.usage.inputTokens;
      tally.outputTokens += trajectory.usage.outputTokens;
      tally.costUsd += trajectory.costUsd ?? 0;
    }
  }
  if (badLines > 0) problems.push(`${store.key('trajectories')}/: ${badLines} unreadable line(s) left out of the counts`);
  return tally;
}

async function readTraining(store: RunStore, problems: string[]): Promise<ReportInputs['training']> {
  const prefix = `${store.key(RUN_FILES.model)}/`;
  const keys = await store.objects.list(prefix);
  const objectives = keys
    .map((key) => key.slice(prefix.length).split('/'))
    .filter((parts) => parts.length === 2 && parts[1] === TRAINING_METRICS_FILE)
    .map((parts) => parts[0]);
  if (objectives.length === 0) problems.push(`${prefix}<objective>/${TRAINING_METRICS_FILE}: not found`);
  const training: ReportInputs['training'] = [];
  for (const objective of objectives) {
    const steps: TrainingStep[] = [];
    let badLines = 0;
    for await (const line of store.objects.readJsonLines(`${prefix}${objective}/${TRAINING_METRICS_FILE}`, TrainingStepSchema)) {
      if (line.error === undefined) steps.push(line.value);
      else badLines += 1;
    }
    if (badLines > 0) problems.push(`${prefix}${objective}/${TRAINING_METRICS_FILE}: ${badLines} unreadable line(s) left out`);
    const summary = await store.objects.getJson(`${prefix}${objective}/${TRAINING_SUMMARY_FILE}`, TrainingSummarySchema).catch(() => null);
    training.push({ objective, steps: steps.sort((a, b) => a.step - b.step), summary: summary ?? null });
  }
  return training;
}

export async function collectReportInputs(objects: ObjectStore, runId: string): Promise<ReportInputs> {
  const store = new RunStore(objects, runId);
  const problems: string[] = [];
  const status = await readOptional(problems, store.key(RUN_FILES.status), () => store.readStatus());
  const manifest = await readOptional(problems, store.key(RUN_FILES.trainManifest), () => store.getJson(RUN_FILES.trainManifest, TrainManifestSchema));
  // The evaluation pairs ran in parallel; their results are gathered here into eval/metrics.json.
  const evaluation = await readOptional(problems, store.key('eval/metrics.json'), () => gatherEvaluation(objects, runId));
  const trajectories = await tallyTrajectories(store, problems).catch((error: Error) => {
    problems.push(`${store.key('trajectories')}/: ${error.message}`);
    return null;
  });
  const training = await readTraining(store, problems);
  // No records is normal (a run from before they existed, a stage not reached); only an unreadable one is a problem.
  const timings = await readStageTimings(objects, runId, (stage, error) => problems.push(`${store.key(RUN_FILES.timingFolder(stage))}: ${error.message}`));
  return { runId, status, manifest, evaluation, training, trajectories, timings, problems };
}
