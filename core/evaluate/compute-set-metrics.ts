// Metrics of one model on one set: accuracy with its 95% Wilson interval, mean F1 (QA), mean steps and tokens.
import { EvaluationRecord, SetMetrics } from './evaluation-record';
import { computeWilsonInterval } from './wilson-interval';

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function computeSetMetrics(records: readonly EvaluationRecord[]): SetMetrics {
  const correct = records.filter((record) => record.correct).length;
  const f1Values = records.filter((record) => record.task === 'qa').map((record) => record.f1 ?? 0);
  const finishReasons: Record<string, number> = {};
  for (const record of records) finishReasons[record.finishReason] = (finishReasons[record.finishReason] ?? 0) + 1;
  return {
    questions: records.length,
    correct,
    accuracy: records.length === 0 ? 0 : correct / records.length,
    ci95: computeWilsonInterval(correct, records.length),
    f1: f1Values.length === 0 ? null : mean(f1Values),
    meanSteps: mean(records.map((record) => record.steps)),
    meanTokens: mean(records.map((record) => record.inputTokens + record.outputTokens)),
    finishReasons,
  };
}
