// Turns object events of the embedded S3 server into executions, through the trigger rule's pattern and input transformer.
import { EventEmitter } from 'node:events';
import { JsonValue } from './asl-types';
import { matchesEventPattern, renderTargetInput } from './event-pattern';
import { createS3Event, TriggerRule } from './trigger-rule';

export interface ObjectEventLike {
  eventName: string;
  bucket: string;
  key: string;
}

export interface ConfigWatcherOptions {
  /** Emits `object` events ({eventName, bucket, key}), as EmbeddedS3Server.events does. */
  source: EventEmitter;
  rules: TriggerRule[];
  /** Starts an execution with the rule target's input; its promise is tracked until it settles. */
  startExecution: (input: JsonValue, trigger: { bucket: string; key: string; rule: string }) => Promise<unknown>;
  region?: string;
  onError?: (error: Error) => void;
}

export class ConfigWatcher {
  private readonly running = new Set<Promise<unknown>>();
  /** Rule and object of each execution in flight: a repeat of its event (a second delivery, the same config put again) joins it. */
  private readonly inFlight = new Set<string>();
  private readonly listener = (event: ObjectEventLike) => this.handle(event);

  constructor(private readonly options: ConfigWatcherOptions) {
    if (options.rules.length === 0) throw new Error('no EventBridge rule in the template targets the state machine: expected one for config uploads');
  }

  start(): this {
    this.options.source.on('object', this.listener);
    return this;
  }

  stop(): void {
    this.options.source.off('object', this.listener);
  }

  /** Resolves when every execution started so far has finished. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  get activeExecutions(): number {
    return this.running.size;
  }

  private handle(objectEvent: ObjectEventLike): void {
    const event = createS3Event(objectEvent.eventName, objectEvent.bucket, objectEvent.key, this.options.region);
    for (const rule of this.options.rules) {
      if (!matchesEventPattern(rule.pattern, event)) continue;
      const identity = `${rule.logicalId}\n${objectEvent.bucket}\n${objectEvent.key}`;
      if (this.inFlight.has(identity)) continue;
      const input = renderTargetInput(rule.target, event);
      this.inFlight.add(identity);
      const execution = Promise.resolve()
        .then(() => this.options.startExecution(input, { bucket: objectEvent.bucket, key: objectEvent.key, rule: rule.logicalId }))
        .catch((error: Error) => this.options.onError?.(error))
        .finally(() => {
          this.running.delete(execution);
          this.inFlight.delete(identity);
        });
      this.running.add(execution);
    }
  }
}
