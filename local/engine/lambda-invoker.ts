// Runs a Lambda handler in process the way the Step Functions Lambda integration calls it, including its response and error shapes.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { JsonObject, JsonValue } from './asl-types';
import { TaskError, toLambdaTaskError } from './task-error';

export type LambdaHandler = (event: unknown, context: LambdaContext) => unknown;

/** Which handler module answers a Lambda task, and how the function is configured. */
export interface LambdaTarget {
  /** Path of the module exporting `handler` (e.g. functions/prepare/handler.ts), absolute or from the project root. */
  handlerPath?: string;
  /** Pipeline stage the function belongs to, for progress reporting. */
  stage?: string;
  /** Function name reported to the handler's context. */
  functionName?: string;
  /** The function's own timeout; exceeding it fails the task with `Sandbox.Timedout` as Lambda does. */
  timeoutSeconds?: number;
  /** Or the handler itself, already loaded. */
  handler?: LambdaHandler;
}

export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

const loaded = new Map<string, LambdaHandler>();

/** Loads `handler` from a module once; tsx or ts-jest compile TypeScript on the way. */
export function loadHandler(target: LambdaTarget, root: string): LambdaHandler {
  if (target.handler) return target.handler;
  if (!target.handlerPath) throw new Error(`function ${target.functionName ?? '(unnamed)'}: expected a handler or a handlerPath, received neither`);
  const path = resolve(root, target.handlerPath);
  const cached = loaded.get(path);
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(path) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${path}: expected an exported function "handler", received ${typeof module.handler}`);
  const handler = module.handler as LambdaHandler;
  loaded.set(path, handler);
  return handler;
}

function createContext(functionName: string, timeoutSeconds: number): LambdaContext {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const requestId = randomUUID();
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Calls the handler with `event`; a thrown error becomes a TaskError named after its type, a timeout becomes `Sandbox.Timedout`. */
export async function callHandler(handler: LambdaHandler, event: JsonValue, target: LambdaTarget): Promise<JsonValue> {
  const timeoutSeconds = target.timeoutSeconds ?? 900;
  const context = createContext(target.functionName ?? 'local-function', timeoutSeconds);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const errorMessage = `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
      reject(new TaskError('Sandbox.Timedout', JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage })));
    }, timeoutSeconds * 1000);
    // A pending function timeout must not keep the process alive once the execution has moved on.
    timer.unref();
  });
  try {
    // The event is a deep copy, as it would be after crossing the network, so a handler cannot alter the execution's state.
    const result = await Promise.race([Promise.resolve().then(() => handler(structuredClone(event), context)), timeout]);
    return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as JsonValue);
  } catch (error) {
    throw toLambdaTaskError(error);
  } finally {
    clearTimeout(timer);
  }
}

/** `arn:aws:states:::lambda:invoke`: the task input is `{FunctionName, Payload, …}` and the result is the Invoke response. */
export async function invokeLambdaIntegration(handler: LambdaHandler, taskInput: JsonValue, target: LambdaTarget): Promise<JsonValue> {
  const parameters = (taskInput ?? {}) as JsonObject;
  if (parameters.InvocationType === 'Event') {
    void callHandler(handler, parameters.Payload ?? {}, target).catch(() => undefined);
    return { Payload: '', StatusCode: 202, SdkHttpMetadata: { HttpStatusCode: 202 } };
  }
  const payload = await callHandler(handler, parameters.Payload === undefined ? {} : parameters.Payload, target);
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { HttpHeaders: { 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId }, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}
