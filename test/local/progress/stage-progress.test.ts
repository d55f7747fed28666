// Stage bars from execution events: totals from map starts, failures and retries attributed to the right stage.
import { ExecutionEvent } from '../../../local/engine/execution-events';
import { formatStageLine, ProgressRenderer } from '../../../local/progress/progress-renderer';
import { StageProgressTracker } from '../../../local/progress/stage-progress';
import { formatSummaryTable } from '../../../local/progress/summary-table';

const layout = [
  { stage: 'prepare', stateName: 'Prepare', maps: [] },
  { stage: 'decompose', stateName: 'Decompose shard', maps: ['Decompose and judge'] },
  { stage: 'judge', stateName: 'Judge shard', maps: ['Decompose and judge'] },
  { stage: 'train', stateName: 'Train', maps: [] },
];
const top = { maps: [] };
const inMap = (index: number) => ({ maps: ['Decompose and judge'], itemIndex: index });

function replay(tracker: StageProgressTracker): void {
  const events: ExecutionEvent[] = [
    { type: 'state-entered', stateName: 'Prepare', stateType: 'Task', stage: 'prepare', scope: top },
    { type: 'state-exited', stateName: 'Prepare', stateType: 'Task', stage: 'prepare', scope: top },
    { type: 'map-started', stateName: 'Decompose and judge', scope: top, items: 3, batches: 3 },
    ...[0, 1, 2].flatMap((index): ExecutionEvent[] => [
      { type: 'state-entered', stateName: 'Decompose shard', stateType: 'Task', stage: 'decompose', scope: inMap(index) },
      { type: 'state-exited', stateName: 'Decompose shard', stateType: 'Task', stage: 'decompose', scope: inMap(index) },
      { type: 'state-entered', stateName: 'Judge shard', stateType: 'Task', stage: 'judge', scope: inMap(index) },
    ]),
    { type: 'state-exited', stateName: 'Judge shard', stateType: 'Task', stage: 'judge', scope: inMap(0) },
    { type: 'state-exited', stateName: 'Judge shard', stateType: 'Task', stage: 'judge', scope: inMap(1) },
    { type: 'state-failed', stateName: 'Judge shard', stateType: 'Task', stage: 'judge', scope: inMap(2), error: 'JudgeError', cause: '{}' },
    { type: 'state-retried', stateName: 'Judge shard', stage: 'judge', scope: inMap(2), attempt: 1 },
    { type: 'state-failed', stateName: 'Judge shard', stateType: 'Task', stage: 'judge', scope: inMap(2), error: 'JudgeError', cause: '{}' },
    { type: 'map-item-finished', stateName: 'Decompose and judge', scope: top, index: 2, items: 1, status: 'FAILED', error: 'JudgeError', succeeded: 2, failed: 1, total: 3 },
    { type: 'map-finished', stateName: 'Decompose and judge', scope: top, succeeded: 2, failed: 1, total: 3, status: 'FAILED' },
    // The failure path reuses stage names; it must not touch the bars.
    { type: 'state-entered', stateName: 'Report failure', stateType: 'Task', stage: 'train', scope: top },
    { type: 'execution-failed', executionName: 'x', error: 'SwirlRunFailed', cause: '' },
  ];
  for (const event of events) tracker.apply(event);
}

describe('StageProgressTracker', () => {
  it('counts items, failures and retries per stage', () => {
    const tracker = new StageProgressTracker(['prepare', 'rollout', 'decompose', 'judge', 'train'], layout);
    replay(tracker);
    const byStage = Object.fromEntries(tracker.list().map((progress) => [progress.stage, progress]));
    expect(Object.keys(byStage)).toEqual(['prepare', 'decompose', 'judge', 'train']);
    expect(byStage.prepare).toMatchObject({ state: 'SUCCEEDED', done: 1, total: 1 });
    expect(byStage.decompose).toMatchObject({ state: 'FAILED', done: 3, total: 3, failed: 0 });
    expect(byStage.judge).toMatchObject({ state: 'FAILED', done: 2, total: 3, failed: 1, retries: 1, lastError: 'JudgeError' });
    expect(byStage.train).toMatchObject({ state: 'PENDING', done: 0 });
    const table = formatSummaryTable(tracker.list());
    expect(table.split('\n')[0]).toMatch(/^stage\s+state\s+done\s+failed\s+retries\s+time\s+error$/);
    expect(table).toMatch(/judge\s+FAILED\s+2\/3\s+1\s+1\s+\S+\s+JudgeError/);
  });
});

describe('ProgressRenderer', () => {
  function capture(isTTY: boolean) {
    const chunks: string[] = [];
    return { stream: { isTTY, columns: 100, write: (text: string) => chunks.push(text) }, chunks };
  }

  it('writes plain lines on stage transitions when not a TTY', () => {
    const tracker = new StageProgressTracker(['prepare', 'decompose', 'judge', 'train'], layout);
    const { stream, chunks } = capture(false);
    const renderer = new ProgressRenderer(tracker, stream);
    renderer.start();
    replay(tracker);
    renderer.stop();
    const text = chunks.join('');
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('[prepare] succeeded');
    expect(text).toMatch(/\[judge\] failed 2\/3 done, 1 failed in \S+ \(JudgeError\)/);
  });

  it('redraws bars in place on a TTY', () => {
    const tracker = new StageProgressTracker(['prepare', 'decompose', 'judge', 'train'], layout);
    const { stream, chunks } = capture(true);
    const renderer = new ProgressRenderer(tracker, stream);
    renderer.start();
    replay(tracker);
    renderer.log('a line from the trainer');
    renderer.stop();
    const text = chunks.join('');
    expect(text).toContain('\x1b[4A');
    expect(text).toContain('a line from the trainer\n');
    const last = chunks[chunks.length - 1];
    expect(last.split('\n').filter(Boolean)).toHaveLength(4);
    expect(formatStageLine({ stage: 'judge', state: 'RUNNING', done: 1, total: 4, failed: 1, retries: 0 }, 8, 0, false)).toBe(`judge    [############------------]       1/4  RUNNING   1 failed`);
  });
});
