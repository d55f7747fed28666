// Executes a state machine definition locally: the interpreter runs the flow, the engine runs Lambda, Batch and DISTRIBUTED Map tasks.
import './promise-polyfill';
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { ObjectStore } from '../../core/store/object-store';
import { S3Settings } from '../../core/store/s3-settings';
import { AslDefinition, JsonObject, JsonValue } from './asl-types';
import { BatchRunnerOptions, describeBatchStage, runBatchJob } from './batch-job-runner';
import { ChildOutcome, runDistributedMap } from './distributed-map-runner';
import { EventScope, ExecutionEvents } from './execution-events';
import { callHandler, invokeLambdaIntegration, LambdaTarget, loadHandler } from './lambda-invoker';
import { PreparedDefinition, prepareDefinition, TaskInfo } from './prepare-definition';
import { TaskError } from './task-error';

type LibraryDefinition = ConstructorParameters<typeof StateMachine>[0];
type LibraryRunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
type LibraryEvent = { type: string; state?: { name: string; type: string }; Error?: string; Cause?: unknown; retry?: { attempt: number }; catch?: { catcher: { Next: string } }; index?: number };

/** Finds the handler of a Lambda task from its state name and the function name or ARN in the definition. */
export type LambdaResolver = (task: { stateName: string; functionName: string }) => LambdaTarget | undefined;

export interface LocalStateMachineOptions {
  definition: AslDefinition;
  /** Handlers of the Lambda tasks: a resolver, or a record keyed by state name or by function name/ARN. */
  lambdas: LambdaResolver | Record<string, LambdaTarget>;
  /** The S3 the functions and the engine use (the embedded server or any endpoint). */
  s3: S3Settings;
  /** Project root for handler paths and the trainer entry point; default the working directory. */
  root?: string;
  batch?: Omit<BatchRunnerOptions, 'root' | 'onOutput'>;
  /** Waits this long before every retry instead of the definition's intervals (tests). */
  retryDelayMs?: number;
  /** Extra environment for the functions, on top of the S3 settings. */
  environment?: Record<string, string>;
  stateMachineName?: string;
}

export interface ExecutionResult {
  executionName: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: JsonValue;
  error?: string;
  cause?: string;
  startedAt: string;
  stoppedAt: string;
}

export interface RunningExecution {
  executionName: string;
  events: ExecutionEvents;
  result: Promise<ExecutionResult>;
  abort: () => void;
}

/** States reachable from StartAt without taking a Catch, including those inside map processors and parallel branches. */
export function listMainPathStates(definition: AslDefinition, into = new Set<string>()): Set<string> {
  const pending = [definition.StartAt];
  while (pending.length > 0) {
    const name = pending.pop()!;
    const state = definition.States[name];
    if (!state || into.has(name)) continue;
    into.add(name);
    if (state.Next) pending.push(state.Next);
    if (typeof state.Default === 'string') pending.push(state.Default);
    for (const choice of (state.Choices ?? []) as Array<{ Next?: string }>) if (choice.Next) pending.push(choice.Next);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) listMainPathStates(processor, into);
    for (const branch of state.Branches ?? []) listMainPathStates(branch, into);
  }
  return into;
}

function errorOf(error: unknown): { error: string; cause: string } {
  const inner = (error as { cause?: unknown }).cause;
  const source = (inner instanceof Error ? inner : error) as Error;
  const cause = source instanceof TaskError ? source.causeText : source.message;
  return { error: source.name || 'Error', cause };
}

/** The environment the in-process functions and the Batch child see: where S3 is and which bucket. */
export function describeS3Environment(settings: S3Settings): Record<string, string> {
  const environment: Record<string, string> = { SWIRL_BUCKET: settings.bucket, AWS_REGION: settings.region };
  if (settings.endpoint) environment.SWIRL_S3_ENDPOINT = settings.endpoint;
  if (settings.forcePathStyle) environment.SWIRL_S3_PATH_STYLE = 'true';
  if (settings.credentials) {
    environment.AWS_ACCESS_KEY_ID = settings.credentials.accessKeyId;
    environment.AWS_SECRET_ACCESS_KEY = settings.credentials.secretAccessKey;
  }
  return environment;
}

export class LocalStateMachine {
  readonly prepared: PreparedDefinition;
  readonly stateMachineArn: string;
  private readonly root: string;
  private readonly stores = new Map<string, ObjectStore>();

  constructor(readonly options: LocalStateMachineOptions) {
    this.prepared = prepareDefinition(options.definition);
    this.root = options.root ?? process.cwd();
    this.stateMachineArn = `arn:aws:states:${options.s3.region}:000000000000:stateMachine:${options.stateMachineName ?? 'local'}`;
    // Validates the whole prepared definition once, so a broken template fails here and not mid-run.
    new StateMachine(this.prepared.definition as unknown as LibraryDefinition, { validationOptions: { checkArn: false, checkPaths: true } });
  }

  /** The function name or ARN a Lambda task calls, as written in its definition. */
  functionNameOf(task: TaskInfo): string {
    if (task.kind === 'lambda-direct') return task.resource;
    const parameters = (task.state.Parameters ?? {}) as JsonObject;
    return typeof parameters.FunctionName === 'string' ? parameters.FunctionName : '';
  }

  resolveLambda(task: TaskInfo, functionName = this.functionNameOf(task)): LambdaTarget | undefined {
    const { lambdas } = this.options;
    if (typeof lambdas === 'function') return lambdas({ stateName: task.stateName, functionName });
    return lambdas[task.stateName] ?? lambdas[functionName];
  }

  /** The pipeline stage a state reports progress under: its function's stage, or the trainer entry point a Batch job runs. */
  stageOf(stateName: string): string | undefined {
    const task = this.prepared.tasks.get(stateName);
    if (!task) return undefined;
    if (task.kind === 'batch-sync') return describeBatchStage(task.state, this.options.batch?.jobDefinitions);
    if (task.kind === 'lambda-invoke' || task.kind === 'lambda-direct') return this.resolveLambda(task)?.stage;
    return undefined;
  }

  /** Each stage's task on the normal path (failure handling reached only through Catch is left out), for progress reporting. */
  describeStages(): Array<{ stage: string; stateName: string; maps: string[] }> {
    const layout: Array<{ stage: string; stateName: string; maps: string[] }> = [];
    const mainPath = listMainPathStates(this.options.definition);
    for (const task of this.prepared.tasks.values()) {
      const stage = mainPath.has(task.stateName) ? this.stageOf(task.stateName) : undefined;
      if (stage) layout.push({ stage, stateName: task.stateName, maps: task.maps });
    }
    return layout;
  }

  private openBucket(bucket: string): ObjectStore {
    // The stack has one bucket; whatever name the template resolved to, locally it is the configured bucket.
    const name = this.options.s3.bucket;
    let store = this.stores.get(name);
    if (!store) {
      store = new ObjectStore(this.options.s3);
      this.stores.set(name, store);
    }
    void bucket;
    return store;
  }

  private createOverrides(events: ExecutionEvents, context: Record<string, unknown>): LibraryRunOptions['overrides'] {
    const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    for (const task of this.prepared.tasks.values()) handlers[task.stateName] = (input) => this.runTask(task, input, events, context);
    const retryIntervalOverrides: Record<string, number> = {};
    if (this.options.retryDelayMs !== undefined) for (const name of this.prepared.retryingStates) retryIntervalOverrides[name] = this.options.retryDelayMs;
    return { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides };
  }

  private async runTask(task: TaskInfo, input: JsonValue, events: ExecutionEvents, context: Record<string, unknown>): Promise<JsonValue> {
    switch (task.kind) {
      case 'lambda-invoke':
      case 'lambda-direct': {
        const functionName = task.kind === 'lambda-invoke' ? String(((input ?? {}) as JsonObject).FunctionName ?? '') : task.resource;
        const target = this.resolveLambda(task, functionName);
        if (!target) throw new TaskError('Lambda.ResourceNotFoundException', `no local handler for function ${JSON.stringify(functionName)} (state ${task.stateName})`);
        let handler;
        try {
          handler = loadHandler(target, this.root);
        } catch (error) {
          // Lambda reports a handler that fails to load as Runtime.ImportModuleError on every invocation.
          throw new TaskError('Runtime.ImportModuleError', JSON.stringify({ errorType: 'Runtime.ImportModuleError', errorMessage: (error as Error).message }));
        }
        return task.kind === 'lambda-invoke' ? invokeLambdaIntegration(handler, input, target) : callHandler(handler, input, target);
      }
      case 'batch-sync':
        return runBatchJob(input, {
          ...this.options.batch,
          root: this.root,
          environment: { ...describeS3Environment(this.options.s3), ...(this.options.batch?.environment ?? {}) },
          onOutput: (stream, line) => events.emitEvent({ type: 'task-output', stateName: task.stateName, stage: this.stageOf(task.stateName) ?? 'train', stream, line }),
        });
      case 'distributed-map':
        return runDistributedMap({
          stateName: task.stateName,
          state: task.state,
          input,
          context,
          openBucket: (bucket) => this.openBucket(bucket),
          runChild: (childInput, childName, index) => this.runChild(task, childInput, childName, index, events, context),
          events,
          scope: { maps: task.maps },
          stateMachineArn: this.stateMachineArn,
        });
      default:
        throw new TaskError('States.Runtime', `state ${task.stateName}: resource ${task.resource} is not supported by the local engine`);
    }
  }

  private async runChild(map: TaskInfo, input: JsonValue, childName: string, index: number, events: ExecutionEvents, context: Record<string, unknown>): Promise<ChildOutcome> {
    const processor = map.state.ItemProcessor as AslDefinition;
    const machine = new StateMachine(processor as unknown as LibraryDefinition, { validationOptions: { noValidate: true } });
    const childContext = { ...context, Execution: { ...(context.Execution as object), Name: childName } };
    const execution = machine.run(input as never, { overrides: this.createOverrides(events, childContext), context: childContext });
    const forwarding = this.forwardEvents(execution.eventLogs as AsyncGenerator<LibraryEvent>, events, index);
    try {
      const output = (await execution.result) as JsonValue;
      return { status: 'SUCCEEDED', output };
    } catch (error) {
      return { status: 'FAILED', ...errorOf(error) };
    } finally {
      await forwarding;
    }
  }

  private async forwardEvents(logs: AsyncGenerator<LibraryEvent>, events: ExecutionEvents, itemIndex?: number): Promise<void> {
    for await (const event of logs) {
      if (!event.state) continue;
      const stateName = event.state.name;
      const scope: EventScope = { maps: this.prepared.scopes.get(stateName) ?? [], itemIndex: event.index ?? itemIndex };
      const stage = this.stageOf(stateName);
      const stateType = this.prepared.tasks.get(stateName)?.kind === 'distributed-map' ? 'Map' : event.state.type;
      if (event.type === 'StateEntered') events.emitEvent({ type: 'state-entered', stateName, stateType, stage, scope });
      else if (event.type === 'StateExited') events.emitEvent({ type: 'state-exited', stateName, stateType, stage, scope });
      else if (event.type === 'StateFailed') events.emitEvent({ type: 'state-failed', stateName, stateType, stage, scope, error: String(event.Error), cause: String(event.Cause ?? '') });
      else if (event.type === 'StateRetried') events.emitEvent({ type: 'state-retried', stateName, stage, scope, attempt: event.retry?.attempt ?? 0 });
      else if (event.type === 'StateCaught') events.emitEvent({ type: 'state-caught', stateName, stage, scope, next: event.catch?.catcher.Next ?? '' });
    }
  }

  /** Starts an execution; follow it through `events`, await `result` (which never rejects). */
  start(input: JsonValue, executionName: string = randomUUID()): RunningExecution {
    const events = new ExecutionEvents();
    const startedAt = new Date().toISOString();
    Object.assign(process.env, describeS3Environment(this.options.s3), this.options.environment ?? {});
    const context = {
      Execution: { Id: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`, Name: executionName, StartTime: startedAt, RoleArn: 'arn:aws:iam::000000000000:role/local' },
      StateMachine: { Id: this.stateMachineArn, Name: this.options.stateMachineName ?? 'local' },
    };
    const machine = new StateMachine(this.prepared.definition as unknown as LibraryDefinition, { validationOptions: { noValidate: true } });
    const execution = machine.run(input as never, { overrides: this.createOverrides(events, context), context });
    const result = (async (): Promise<ExecutionResult> => {
      // Listeners attach after start() returns, so the first event goes out on the next turn.
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
      events.emitEvent({ type: 'execution-started', executionName, input });
      const forwarding = this.forwardEvents(execution.eventLogs as AsyncGenerator<LibraryEvent>, events);
      let outcome: ExecutionResult;
      try {
        const output = (await execution.result) as JsonValue;
        outcome = { executionName, status: 'SUCCEEDED', output, startedAt, stoppedAt: new Date().toISOString() };
      } catch (error) {
        const name = (error as Error).name;
        const status = name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
        const failure = status === 'FAILED' ? errorOf(error) : { error: status === 'TIMED_OUT' ? 'States.Timeout' : 'States.Aborted', cause: (error as Error).message };
        outcome = { executionName, status, ...failure, startedAt, stoppedAt: new Date().toISOString() };
      }
      await forwarding;
      if (outcome.status === 'SUCCEEDED') events.emitEvent({ type: 'execution-succeeded', executionName, output: outcome.output ?? null });
      else events.emitEvent({ type: 'execution-failed', executionName, error: outcome.error ?? '', cause: outcome.cause ?? '' });
      return outcome;
    })();
    return { executionName, events, result, abort: () => execution.abort() };
  }

  /** Runs an execution to its end. */
  execute(input: JsonValue, executionName?: string, onEvents?: (events: ExecutionEvents) => void): Promise<ExecutionResult> {
    const running = this.start(input, executionName);
    onEvents?.(running.events);
    return running.result;
  }
}

