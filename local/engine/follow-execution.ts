// Shows a running execution on a stream: progress bars per stage (or plain lines), Batch output, then the summary table.
import { STAGES } from '../../core/schemas/run-status';
import { ProgressRenderer, ProgressStream } from '../progress/progress-renderer';
import { StageProgress, StageProgressTracker } from '../progress/stage-progress';
import { formatSummaryTable } from '../progress/summary-table';
import { LocalStateMachine, RunningExecution, ExecutionResult } from './local-state-machine';

export interface FollowOptions {
  stream: ProgressStream;
  /** Force bars (true) or plain lines (false); default: bars on a TTY. */
  interactive?: boolean;
  /** Show the Batch job's output lines. */
  showJobOutput?: boolean;
}

/** Renders the execution's progress until it ends; resolves to its result and the final stage table. */
export async function followExecution(machine: LocalStateMachine, running: RunningExecution, options: FollowOptions): Promise<{ result: ExecutionResult; stages: StageProgress[]; table: string }> {
  const tracker = new StageProgressTracker(STAGES, machine.describeStages());
  const renderer = new ProgressRenderer(tracker, options.stream, { interactive: options.interactive });
  renderer.start();
  running.events.onEvent((event) => {
    tracker.apply(event);
    if (event.type === 'task-output' && options.showJobOutput !== false && event.line.trim() !== '') renderer.log(`  ${event.stage ?? event.stateName} | ${event.line}`);
  });
  const result = await running.result;
  renderer.stop();
  const stages = tracker.list();
  return { result, stages, table: formatSummaryTable(stages) };
}
