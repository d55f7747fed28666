// A run laid out in S3 as the assemble stage finds it: config, trajectories, steps and judged parts over several shards.
import { decomposeTrajectory } from '../../core/decompose';
import { judgeOutcomeByRule, judgeStepByRule } from '../../core/judges';
import { FilterStrategy, Judgment, RunConfigSchema, Step, Trajectory } from '../../core/schemas';
import { RunStore } from '../../core/store';
import { makeTrajectory, mathQuestion } from './trajectory-fixtures';

export interface SeededShard {
  name: string;
  trajectories: Trajectory[];
  steps: Step[];
  judgments: Judgment[];
}

/**
 * Questions recur across shards (with other sample numbers), so identical context+action pairs land in different
 * parts; every fifth step goes unjudged, so missing verdicts are counted too.
 */
export function buildAssembleShards(shardCount: number, runId: string): SeededShard[] {
  return Array.from({ length: shardCount }, (_, shard) => {
    const trajectories = Array.from({ length: 8 }, (_, index) => {
      const n = (index % 6) + 4;
      const question = mathQuestion(`q${index % 6}`, `A box holds ${n} pens and a second box holds 9 pens, then both double. How many pens?`, String((n + 9) * 2), [n + 9, (n + 9) * 2]);
      const sample = shard * 8 + index;
      return [
        makeTrajectory(question, sample * 3, [{ calc: `${n}+9`, result: String(n + 9) }, { calc: `${n + 9}*2`, result: String((n + 9) * 2) }, { answer: String((n + 9) * 2) }], runId),
        makeTrajectory(question, sample * 3 + 1, [{ calc: `${n}+11`, result: String(n + 11) }, { answer: String(n + 11) }], runId),
        makeTrajectory(question, sample * 3 + 2, [{ calc: `${n}+9`, result: String(n + 9) }, { invalid: 'thinking' }], runId),
      ];
    }).flat();
    const steps = trajectories.flatMap(decomposeTrajectory);
    const questions = new Map(trajectories.map((trajectory) => [trajectory.id, trajectory.question]));
    const judgments: Judgment[] = steps.filter((_, index) => index % 5 !== 4).map((step) => judgeStepByRule(step, questions.get(step.trajectoryId)!));
    for (const trajectory of trajectories) judgments.push(judgeOutcomeByRule(trajectory));
    return { name: `shard-${String(shard).padStart(5, '0')}`, trajectories, steps, judgments };
  });
}

export async function seedAssembleRun(store: RunStore, shards: SeededShard[], filter: FilterStrategy, validationFraction: number): Promise<void> {
  await store.putJson('config.json', RunConfigSchema.parse({
    runId: store.runId, dataset: { source: 'builtin:arith:train', format: 'arith' }, policy: { provider: 'scripted', responses: ['<answer>1</answer>'] },
    filter, validationFraction,
  }));
  for (const shard of shards) {
    await store.putJsonLines(`trajectories/${shard.name}.jsonl`, shard.trajectories);
    await store.putJsonLines(`steps/${shard.name}.jsonl`, shard.steps);
    await store.putJsonLines(`judged/${shard.name}.jsonl`, shard.judgments);
  }
}
