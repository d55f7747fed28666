// Benchmark of stages 3–5 on GSM8K gold trajectories: decompose + rule judge + assemble on 100,000 steps, plus the rule judge's gold and corrupted-step rates.
import { TrainingSetBuilder } from '../core/assemble/training-set-builder';
import { decomposeTrajectory } from '../core/decompose/decompose-trajectory';
import { judgeOutcomeByRule } from '../core/judges/outcome-judge';
import { judgeStepByRule } from '../core/judges/rule-process-judge';
import { Judgment } from '../core/schemas/judgment';
import { Step } from '../core/schemas/step';
import { Trajectory } from '../core/schemas/trajectory';
import { buildGoldTrajectory, corruptOneNumber, createRandom, readGsm8kGoldRows } from './support/gsm8k-gold-trajectories';

const STEPS = Number(process.argv[2] ?? 100_000);
const TRAJECTORIES_PER_SHARD = 250;
const DATASET = '../shared/datasets/gsm8k/train.jsonl';

function measureRates(rows: ReturnType<typeof readGsm8kGoldRows>): { goldGoodRate: number; corruptedBadRate: number; corruptedAnyBadRate: number; goldSteps: number } {
  let good = 0;
  let total = 0;
  const corrupted = { made: { bad: 0, total: 0 }, any: { bad: 0, total: 0 } };
  const random = createRandom(20240601);
  for (const gold of rows) {
    const trajectory = buildGoldTrajectory(gold, 'bench');
    for (const step of decomposeTrajectory(trajectory)) {
      total += 1;
      if (judgeStepByRule(step, trajectory.question).verdict === 'GOOD') good += 1;
    }
    for (const [kind, avoidContextNumbers] of [['made', true], ['any', false]] as const) {
      const broken = corruptOneNumber(trajectory, random, { avoidContextNumbers });
      if (!broken) continue;
      corrupted[kind].total += 1;
      if (judgeStepByRule(decomposeTrajectory(broken.trajectory)[broken.turnIndex], trajectory.question).verdict === 'BAD') corrupted[kind].bad += 1;
    }
  }
  return {
    goldGoodRate: good / total,
    corruptedBadRate: corrupted.made.bad / corrupted.made.total,
    corruptedAnyBadRate: corrupted.any.bad / corrupted.any.total,
    goldSteps: total,
  };
}

/** Gold trajectories repeated (with fresh question ids) until they hold exactly `steps` steps. */
function buildWorkload(rows: ReturnType<typeof readGsm8kGoldRows>, steps: number): Trajectory[] {
  const trajectories: Trajectory[] = [];
  let count = 0;
  for (let copy = 0; count < steps; copy += 1) {
    for (const gold of rows) {
      if (count >= steps) break;
      const trajectory = buildGoldTrajectory(gold, 'bench', copy);
      const room = steps - count;
      const fitted: Trajectory = trajectory.turns.length <= room ? trajectory : { ...trajectory, turns: trajectory.turns.slice(0, room), finalAnswer: null, finishReason: 'step_limit' };
      trajectories.push(fitted);
      count += fitted.turns.length;
    }
  }
  return trajectories;
}

/** Decomposed steps as the judge and assemble stages see them: written as JSON Lines, read back. */
function roundTrip(steps: Step[]): Step[] {
  const text = steps.map((step) => JSON.stringify(step)).join('\n');
  return text.split('\n').map((line) => JSON.parse(line) as Step);
}

function main(): void {
  const rows = readGsm8kGoldRows(DATASET);
  const rates = measureRates(rows);
  console.log(`rule judge on ${rows.length} GSM8K gold solutions (${rates.goldSteps} steps): gold GOOD ${(rates.goldGoodRate * 100).toFixed(2)}%, `
    + `corrupted step BAD ${(rates.corruptedBadRate * 100).toFixed(2)}% (made-up number), ${(rates.corruptedAnyBadRate * 100).toFixed(2)}% (any +1..9 change)`);

  const workload = buildWorkload(rows, STEPS);
  const shards: Trajectory[][] = [];
  for (let start = 0; start < workload.length; start += TRAJECTORIES_PER_SHARD) shards.push(workload.slice(start, start + TRAJECTORIES_PER_SHARD));
  global.gc?.();
  const started = performance.now();

  // Stages 3 and 4 per shard, as the Distributed Map runs them.
  const judgedShards: Judgment[][] = [];
  let stepCount = 0;
  let judgedBytes = 0;
  for (const shard of shards) {
    const steps = roundTrip(shard.flatMap(decomposeTrajectory));
    stepCount += steps.length;
    const questions = new Map(shard.map((trajectory) => [trajectory.id, trajectory.question]));
    const judgments: Judgment[] = steps.map((step) => judgeStepByRule(step, questions.get(step.trajectoryId)!));
    for (const trajectory of shard) judgments.push(judgeOutcomeByRule(trajectory));
    judgedBytes += judgments.reduce((sum, judgment) => sum + JSON.stringify(judgment).length + 1, 0);
    judgedShards.push(judgments);
  }
  const judgedAt = performance.now();

  // Stage 5 over every part: trajectories and judgments first, then the steps streamed part by part.
  const builder = new TrainingSetBuilder({
    runId: 'bench', strategy: 'process', validationFraction: 0.1, files: { sft: 'sft.jsonl', states: 'states.jsonl', validation: 'validation.jsonl' },
  });
  shards.forEach((shard, index) => {
    for (const trajectory of shard) builder.addTrajectory(trajectory);
    for (const judgment of judgedShards[index]) builder.addJudgment(judgment);
  });
  for (const shard of shards) for (const step of roundTrip(shard.flatMap(decomposeTrajectory))) builder.addStep(step);
  const result = builder.finish();
  let outputBytes = 0;
  for (const records of [result.sft, result.states, result.validation]) for (const record of records) outputBytes += JSON.stringify(record).length + 1;
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  console.log(`${stepCount} steps in ${shards.length} shards: decompose + judge ${((judgedAt - started) / 1000).toFixed(2)} s, assemble ${((performance.now() - judgedAt) / 1000).toFixed(2)} s`);
  console.log(`funnel: ${result.manifest.trajectories} trajectories, process kept ${result.manifest.strategies.process.kept}; records sft ${result.sft.length}, states ${result.states.length}, validation ${result.validation.length}, duplicates removed ${result.manifest.records.duplicatesRemoved}`);
  console.log(`judged ${(judgedBytes / 1e6).toFixed(1)} MB, training files ${(outputBytes / 1e6).toFixed(1)} MB (serialized in memory; S3 transfer not included)`);
  console.log(`${Math.round(stepCount / seconds)} steps/s, peak RSS ${peakRssMb.toFixed(0)} MB`);
  console.log(JSON.stringify({
    bench: 'judge',
    steps: stepCount,
    seconds: Number(seconds.toFixed(3)),
    stepsPerSecond: Math.round(stepCount / seconds),
    peakRssMb: Number(peakRssMb.toFixed(1)),
    goldGoodRate: Number(rates.goldGoodRate.toFixed(5)),
    corruptedBadRate: Number(rates.corruptedBadRate.toFixed(5)),
    corruptedAnyBadRate: Number(rates.corruptedAnyBadRate.toFixed(5)),
  }));
}

main();
