// A small training run's config and records, shared by the training-job tests on the host and on a device.
import { RunConfigSchema } from '../../../core/schemas/run-config';
import type { TrainingRecord } from '../../../core/schemas/training-record';

export function createRecord(index: number): TrainingRecord {
  const a = index + 2;
  const b = index + 3;
  return {
    id: `t${index}@0`, questionId: `q${index}`, trajectoryId: `t${index}`, stepIndex: 0, task: 'math',
    context: [{ role: 'system', content: 'Use <math_exp> or <answer>.' }, { role: 'user', content: `What is ${a} plus ${b}?` }],
    action: `<math_exp>${a}+${b}</math_exp>`, reward: 1, behaviourLogProb: null,
    reference: { answer: String(a + b), aliases: [], goldValues: [a + b], supportingTitles: [], supportingSentences: [] },
  };
}

export function createConfig(runId: string, trainer: Record<string, unknown>) {
  return RunConfigSchema.parse({
    runId,
    dataset: { source: 'builtin:arith:train', format: 'arith' },
    policy: { provider: 'scripted', responses: ['<answer>1</answer>'] },
    trainer: {
      baseModel: 'models/tiny', backend: 'auto', maxSteps: 3, batchSize: 2, warmupSteps: 1, checkpointEvery: 2,
      learningRate: 1e-2, maxSequenceLength: 160, lora: { rank: 2, alpha: 4, dropout: 0, targets: ['q_proj', 'v_proj'] },
      swirl: { samplesPerState: 2, maxNewTokens: 6 }, ...trainer,
    },
  });
}
