// Folds execution events into per-stage progress: state, items done of total, failures, retries and timing.
import { ExecutionEvent } from '../engine/execution-events';

export type StageState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface StageProgress {
  stage: string;
  state: StageState;
  done: number;
  total: number;
  failed: number;
  retries: number;
  startedAt?: number;
  finishedAt?: number;
  lastError?: string;
}

/** Where each stage's task sits: its state name and enclosing maps (from the prepared definition). */
export interface StageLayoutEntry {
  stage: string;
  stateName: string;
  maps: string[];
}

export class StageProgressTracker {
  readonly stages = new Map<string, StageProgress>();
  private readonly layout: StageLayoutEntry[];
  private readonly trackedStates: Set<string>;
  private readonly failedStageOfItem = new Map<string, string>();
  private readonly listeners = new Set<(progress: StageProgress) => void>();

  constructor(stageOrder: readonly string[], layout: StageLayoutEntry[]) {
    this.layout = layout;
    this.trackedStates = new Set(layout.map((entry) => entry.stateName));
    const present = new Set(layout.map((entry) => entry.stage));
    for (const stage of stageOrder) if (present.has(stage)) this.stages.set(stage, { stage, state: 'PENDING', done: 0, total: 0, failed: 0, retries: 0 });
    for (const stage of present) if (!this.stages.has(stage)) this.stages.set(stage, { stage, state: 'PENDING', done: 0, total: 0, failed: 0, retries: 0 });
  }

  onChange(listener: (progress: StageProgress) => void): void {
    this.listeners.add(listener);
  }

  private changed(progress: StageProgress): void {
    for (const listener of this.listeners) listener(progress);
  }

  private stagesInMap(mapName: string): StageProgress[] {
    const names = new Set(this.layout.filter((entry) => entry.maps[entry.maps.length - 1] === mapName).map((entry) => entry.stage));
    return [...names].map((name) => this.stages.get(name)).filter((progress): progress is StageProgress => progress !== undefined);
  }

  private begin(progress: StageProgress): void {
    if (progress.state === 'PENDING') {
      progress.state = 'RUNNING';
      progress.startedAt = Date.now();
    }
  }

  private finish(progress: StageProgress, state: 'SUCCEEDED' | 'FAILED'): void {
    if (progress.state === 'SUCCEEDED' || progress.state === 'FAILED') return;
    progress.state = state;
    progress.startedAt ??= Date.now();
    progress.finishedAt = Date.now();
  }

  apply(event: ExecutionEvent): void {
    // Tasks off the normal path (failure recording) share stage names with real stages; they must not move those bars.
    if ('stage' in event && event.stage !== undefined && 'stateName' in event && !this.trackedStates.has(event.stateName)) return;
    switch (event.type) {
      case 'state-entered': {
        const progress = event.stage ? this.stages.get(event.stage) : undefined;
        if (!progress) return;
        this.begin(progress);
        if (event.scope.maps.length === 0 && progress.total === 0) progress.total = 1;
        this.changed(progress);
        return;
      }
      case 'state-exited': {
        const progress = event.stage ? this.stages.get(event.stage) : undefined;
        if (!progress) return;
        progress.done += 1;
        if (event.scope.maps.length === 0) this.finish(progress, 'SUCCEEDED');
        this.changed(progress);
        return;
      }
      case 'state-failed': {
        const progress = event.stage ? this.stages.get(event.stage) : undefined;
        if (!progress) return;
        progress.lastError = event.error;
        if (event.scope.maps.length > 0) this.failedStageOfItem.set(`${event.scope.maps.join('/')}#${event.scope.itemIndex}`, progress.stage);
        return;
      }
      case 'state-retried': {
        const progress = event.stage ? this.stages.get(event.stage) : undefined;
        if (!progress) return;
        progress.retries += 1;
        this.changed(progress);
        return;
      }
      case 'state-caught': {
        const progress = event.stage ? this.stages.get(event.stage) : undefined;
        if (progress && event.scope.maps.length === 0) {
          this.finish(progress, 'FAILED');
          this.changed(progress);
        }
        return;
      }
      case 'map-started':
        for (const progress of this.stagesInMap(event.stateName)) {
          this.begin(progress);
          progress.total = event.batches;
          this.changed(progress);
        }
        return;
      case 'map-item-finished': {
        if (event.status !== 'FAILED') return;
        const key = `${[...event.scope.maps, event.stateName].join('/')}#${event.index}`;
        const stage = this.failedStageOfItem.get(key);
        const progress = stage ? this.stages.get(stage) : this.stagesInMap(event.stateName)[0];
        if (!progress) return;
        progress.failed += 1;
        progress.lastError = event.error ?? progress.lastError;
        this.changed(progress);
        return;
      }
      case 'map-finished':
        for (const progress of this.stagesInMap(event.stateName)) {
          this.finish(progress, event.status);
          this.changed(progress);
        }
        return;
      case 'execution-failed':
        for (const progress of this.stages.values()) {
          if (progress.state === 'RUNNING') {
            this.finish(progress, 'FAILED');
            this.changed(progress);
          }
        }
        return;
      default:
        return;
    }
  }

  list(): StageProgress[] {
    return [...this.stages.values()];
  }
}
