// Runs one demo config through the local engine (the same path as `swirl run`) and collects its results and report.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EvaluationMetrics, EvaluationMetricsSchema } from '../../core/evaluate/evaluation-record';
import { EVALUATION_FILES } from '../../core/evaluate/evaluation-plan';
import { RunConfigInput } from '../../core/schemas/run-config';
import { RunStatus } from '../../core/schemas/run-status';
import { ObjectStore } from '../../core/store/object-store';
import { RUN_FILES } from '../../core/store/run-keys';
import { RunStore } from '../../core/store/run-store';
import { registerTrainerProvider } from '../../containers/trainer/src/serve/trainer-provider';
import { followExecution } from '../engine/follow-execution';
import { loadLocalPipeline } from '../engine/load-pipeline';
import { ProgressStream } from '../progress/progress-renderer';
import { extractResults, ModelResults } from './demo-results';

export interface DemoPipelineOptions {
  config: RunConfigInput;
  objects: ObjectStore;
  /** Project root: where the handlers and the trainer entry live. */
  root: string;
  /** Local folder receiving <run>/report.html, metrics.json and results.json. */
  outputDirectory: string;
  stream: ProgressStream;
  interactive?: boolean;
  /** Show the training job's output lines above the bars. */
  showJobOutput?: boolean;
  /** Runs before the execution starts (e.g. to seed earlier rollouts into the run). */
  beforeStart?: (runId: string) => Promise<void>;
}

export interface DemoPipelineOutcome {
  runId: string;
  succeeded: boolean;
  error: string | null;
  status: RunStatus | null;
  /** The stage table printed after the bars. */
  stageTable: string;
  metrics: EvaluationMetrics | null;
  results: ModelResults | null;
  /** The report copied to the local output folder, when the run wrote one. */
  reportPath: string | null;
  reportKey: string;
  seconds: number;
}

/** The trainer's model serves the policy in process (rollout and evaluate run as in-process functions). */
export function registerLocalProviders(): void {
  registerTrainerProvider();
}

export async function runDemoPipeline(options: DemoPipelineOptions): Promise<DemoPipelineOutcome> {
  const started = Date.now();
  const runId = options.config.runId;
  const { objects } = options;
  registerLocalProviders();
  const configKey = `configs/${runId}.json`;
  await options.beforeStart?.(runId);
  await objects.putText(configKey, `${JSON.stringify(options.config, null, 2)}\n`, 'application/json');
  const pipeline = loadLocalPipeline({ root: options.root, s3: objects.settings });
  if (!pipeline.synthesized.cached) options.stream.write(`synthesized the stack in ${pipeline.synthesized.seconds.toFixed(1)} s\n`);
  const running = pipeline.machine.start({ bucket: objects.bucket, key: configKey, takeOver: true });
  const { result, table } = await followExecution(pipeline.machine, running, {
    stream: options.stream, interactive: options.interactive, showJobOutput: options.showJobOutput,
  });
  const store = new RunStore(objects, runId);
  const status = await store.readStatus().catch(() => null);
  const metrics = await store.getJson(EVALUATION_FILES.metrics, EvaluationMetricsSchema).catch(() => null);
  const results = metrics ? extractResults(metrics) : null;
  const localDirectory = path.join(options.outputDirectory, runId);
  mkdirSync(localDirectory, { recursive: true });
  const reportKey = store.key(RUN_FILES.report);
  const report = await objects.getText(reportKey).catch(() => null);
  let reportPath: string | null = null;
  if (report !== null) {
    reportPath = path.join(localDirectory, 'report.html');
    writeFileSync(reportPath, report);
  }
  const runMetrics = await objects.getText(store.key(RUN_FILES.metrics)).catch(() => null);
  if (runMetrics !== null) writeFileSync(path.join(localDirectory, 'metrics.json'), runMetrics);
  if (metrics) writeFileSync(path.join(localDirectory, 'eval-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  writeFileSync(path.join(localDirectory, 'config.json'), `${JSON.stringify(options.config, null, 2)}\n`);
  const succeeded = result.status === 'SUCCEEDED';
  return {
    runId,
    succeeded,
    error: succeeded ? null : describeFailure(result.error, status),
    status,
    stageTable: table,
    metrics,
    results,
    reportPath,
    reportKey,
    seconds: (Date.now() - started) / 1000,
  };
}

function describeFailure(error: string | undefined, status: RunStatus | null): string {
  const recorded = status?.error ? `stage ${status.error.stage} failed with ${status.error.error}: ${summarizeCause(status.error.cause)}` : '';
  return [error ?? 'execution failed', recorded].filter(Boolean).join(': ');
}

/** A Batch failure's cause is the whole job description; its log tail says why. Other causes are cut to a readable length. */
export function summarizeCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { LogTail?: unknown; errorMessage?: unknown };
    if (Array.isArray(parsed.LogTail)) {
      const lines = parsed.LogTail.filter((line): line is string => typeof line === 'string' && line.trim() !== '');
      if (lines.length > 0) return lines[lines.length - 1];
    }
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: shown as it is.
  }
  return cause.length > 400 ? `${cause.slice(0, 400)}…` : cause;
}
