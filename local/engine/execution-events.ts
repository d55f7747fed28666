// Progress hooks of a local execution: one typed event stream of states entered/exited and map item progress.
import { EventEmitter } from 'node:events';
import { JsonValue } from './asl-types';

/** Where an event happened: the enclosing map states (outermost first) and the item index inside the innermost. */
export interface EventScope {
  maps: string[];
  itemIndex?: number;
}

export type ExecutionEvent =
  | { type: 'execution-started'; executionName: string; input: JsonValue }
  | { type: 'execution-succeeded'; executionName: string; output: JsonValue }
  | { type: 'execution-failed'; executionName: string; error: string; cause: string }
  | { type: 'state-entered'; stateName: string; stateType: string; stage?: string; scope: EventScope }
  | { type: 'state-exited'; stateName: string; stateType: string; stage?: string; scope: EventScope }
  | { type: 'state-failed'; stateName: string; stateType: string; stage?: string; scope: EventScope; error: string; cause: string }
  | { type: 'state-retried'; stateName: string; stage?: string; scope: EventScope; attempt: number }
  | { type: 'state-caught'; stateName: string; stage?: string; scope: EventScope; next: string }
  | { type: 'map-started'; stateName: string; scope: EventScope; items: number; batches: number }
  | { type: 'map-item-finished'; stateName: string; scope: EventScope; index: number; items: number; status: 'SUCCEEDED' | 'FAILED'; error?: string; succeeded: number; failed: number; total: number }
  | { type: 'map-finished'; stateName: string; scope: EventScope; succeeded: number; failed: number; total: number; status: 'SUCCEEDED' | 'FAILED' }
  | { type: 'task-output'; stateName: string; stage?: string; stream: 'stdout' | 'stderr'; line: string };

export type ExecutionEventType = ExecutionEvent['type'];

/** A typed emitter: subscribe to `event` for everything, or to one event type. */
export class ExecutionEvents extends EventEmitter {
  emitEvent(event: ExecutionEvent): void {
    this.emit('event', event);
    this.emit(event.type, event);
  }

  onEvent(listener: (event: ExecutionEvent) => void): () => void {
    this.on('event', listener);
    return () => this.off('event', listener);
  }
}
