// Stage outputs of a small finished run, as the assemble, evaluate and train stages write them, for report tests.
import { TrainManifest, TrainManifestSchema } from '../../../core/assemble/train-manifest';
import { computeSetMetrics, EvaluationMetrics, EvaluationMetricsSchema, EvaluationRecord } from '../../../core/evaluate';
import { FILTER_STRATEGIES } from '../../../core/schemas';
import { Trajectory } from '../../../core/schemas/trajectory';
import { makeTrajectory, mathQuestion } from '../../support/trajectory-fixtures';

const NO_VERDICTS = { GOOD: 0, BAD: 0, unknown: 0, missing: 0 };
const NO_BUCKETS = { kept: 0, droppedEmpty: 0, droppedUnjudged: 0, droppedBadStep: 0, droppedUnknownStep: 0, droppedIncorrect: 0 };

export function makeManifest(runId: string): TrainManifest {
  return TrainManifestSchema.parse({
    runId, strategy: 'process', validationFraction: 0.1, trajectories: 10, steps: 24,
    verdicts: { tool_call: { GOOD: 12, BAD: 4, unknown: 0, missing: 0 }, answer: { GOOD: 6, BAD: 2, unknown: 0, missing: 0 }, invalid: NO_VERDICTS },
    outcomes: { correct: 6, incorrect: 4, missing: 0 },
    strategies: Object.fromEntries(FILTER_STRATEGIES.map((strategy) => [strategy, strategy === 'process'
      ? { ...NO_BUCKETS, kept: 7, droppedBadStep: 3 }
      : { ...NO_BUCKETS, kept: 10 }])),
    records: { candidateSteps: 17, duplicatesRemoved: 1, sft: 14, states: 14, validation: 2 },
    questions: { train: 4, validation: 1 },
    judges: ['rule:numeric'], judgeTokens: { inputTokens: 300, outputTokens: 40 },
    files: { sft: `runs/${runId}/train/sft.jsonl`, states: `runs/${runId}/train/states.jsonl`, validation: `runs/${runId}/train/validation.jsonl` },
  });
}

function evaluationRecords(model: string, correct: number, total: number): EvaluationRecord[] {
  return Array.from({ length: total }, (_unused, index) => ({
    questionId: `q${index}`, task: 'math' as const, question: 'What is 2+2?', gold: '4', prediction: index < correct ? '4' : '5',
    correct: index < correct, f1: null, judge: 'rule:numeric', steps: 2, inputTokens: 100, outputTokens: 20, finishReason: 'answered' as const, model,
  }));
}

export function makeEvaluation(runId: string): EvaluationMetrics {
  const models = [['base', 3], ['sft', 5], ['swirl', 7]] as const;
  return EvaluationMetricsSchema.parse({
    runId,
    models: models.map(([name]) => ({ name, provider: name === 'base' ? 'scripted' : 'trainer', model: 'builtin:tiny-policy', adapter: null, error: null })),
    sets: ['arith-test'],
    results: Object.fromEntries(models.map(([name, correct]) => [name, { 'arith-test': computeSetMetrics(evaluationRecords(name, correct, 10)) }])),
  });
}

/** Ten trajectories: 1, 2 or 3 steps, 15 tokens per step. */
export function makeTrajectories(runId: string): Trajectory[] {
  const question = mathQuestion('q1', 'What is 2+3?', '5', [5]);
  return Array.from({ length: 10 }, (_unused, sample) => {
    const calculations = Array.from({ length: sample % 3 }, () => ({ calc: '2+3', result: '5' }));
    return makeTrajectory(question, sample, [...calculations, { answer: '5' }], runId);
  });
}

export function makeTrainingLines(objective: 'sft' | 'swirl', steps: number): string {
  return Array.from({ length: steps }, (_unused, index) => JSON.stringify({
    step: index + 1, loss: 2 / (index + 1), learningRate: 1e-4, tokensPerSecond: 900, gradientNorm: 1,
    ...(objective === 'swirl' ? { reward: index / steps, kl: 0.01 * index } : {}),
  })).join('\n') + '\n';
}
