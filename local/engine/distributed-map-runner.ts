// Runs a DISTRIBUTED Map state: items from S3 (ItemReader), ItemSelector, ItemBatcher, MaxConcurrency, tolerated failures and ResultWriter to S3.
import { randomUUID } from 'node:crypto';
import { ObjectStore } from '../../core/store/object-store';
import { AslState, JsonObject, JsonValue } from './asl-types';
import { EventScope, ExecutionEvents } from './execution-events';
import { evaluatePayloadTemplate, readFieldOrPath, readPath } from './payload-template';
import { TaskError } from './task-error';

/** A child execution's outcome; failures carry the Step Functions error name and cause. */
export type ChildOutcome = { status: 'SUCCEEDED'; output: JsonValue } | { status: 'FAILED'; error: string; cause: string };

export interface DistributedMapRun {
  stateName: string;
  /** The Map state with its ItemProcessor already prepared for the interpreter. */
  state: AslState;
  /** The state's effective input (after InputPath). */
  input: JsonValue;
  /** The `$$` context of the parent execution. */
  context: Record<string, unknown>;
  /** Opens the object store of a bucket named in ItemReader/ResultWriter. */
  openBucket: (bucket: string) => ObjectStore;
  /** Runs one child execution of the item processor. */
  runChild: (input: JsonValue, childName: string, index: number) => Promise<ChildOutcome>;
  events: ExecutionEvents;
  scope: EventScope;
  stateMachineArn: string;
}

interface ChildRecord {
  index: number;
  name: string;
  input: JsonValue;
  items: number;
  startedAt: string;
  stoppedAt: string;
  outcome: ChildOutcome;
}

const AWS_DISTRIBUTED_MAX_CONCURRENCY = 10_000;

async function readItems(run: DistributedMapRun): Promise<JsonValue[]> {
  const { state, input } = run;
  const reader = state.ItemReader as JsonObject | undefined;
  let items: JsonValue;
  if (reader) {
    const parameters = (await evaluatePayloadTemplate((reader.Parameters ?? {}) as JsonValue, input, run.context)) as JsonObject;
    const bucket = String(parameters.Bucket ?? '');
    const key = String(parameters.Key ?? '');
    const inputType = String(((reader.ReaderConfig ?? {}) as JsonObject).InputType ?? 'JSON');
    const text = await run.openBucket(bucket).getText(key);
    if (text === null) throw new TaskError('States.ItemReaderFailed', `ItemReader of ${run.stateName}: s3://${bucket}/${key} does not exist`);
    try {
      if (inputType === 'JSONL') items = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as JsonValue);
      else if (inputType === 'JSON') items = JSON.parse(text) as JsonValue;
      else throw new TaskError('States.ItemReaderFailed', `ItemReader of ${run.stateName}: InputType ${inputType} is not supported locally (expected JSON or JSONL)`);
    } catch (error) {
      if (error instanceof TaskError) throw error;
      throw new TaskError('States.ItemReaderFailed', `ItemReader of ${run.stateName}: s3://${bucket}/${key} is not valid ${inputType}: ${(error as Error).message}`);
    }
    if (!Array.isArray(items)) throw new TaskError('States.ItemReaderFailed', `ItemReader of ${run.stateName}: expected a JSON array in s3://${bucket}/${key}, received ${typeof items}`);
    const maxItems = await readFieldOrPath((reader.ReaderConfig ?? {}) as JsonObject, 'MaxItems', input);
    if (typeof maxItems === 'number' && maxItems > 0) items = items.slice(0, maxItems);
  } else {
    items = await readPath(typeof state.ItemsPath === 'string' ? state.ItemsPath : '$', input, run.context);
    if (!Array.isArray(items)) throw new TaskError('States.Runtime', `map ${run.stateName}: expected ItemsPath to select an array, received ${typeof items}`);
  }
  return items;
}

async function selectItems(run: DistributedMapRun, items: JsonValue[]): Promise<JsonValue[]> {
  const selector = (run.state.ItemSelector ?? run.state.Parameters) as JsonValue | undefined;
  if (selector === undefined) return items;
  return Promise.all(items.map((item, index) => evaluatePayloadTemplate(selector, run.input, { ...run.context, Map: { Item: { Index: index, Value: item } } })));
}

async function batchItems(run: DistributedMapRun, items: JsonValue[]): Promise<Array<{ input: JsonValue; items: number }>> {
  const batcher = run.state.ItemBatcher as JsonObject | undefined;
  if (!batcher) return items.map((item) => ({ input: item, items: 1 }));
  const maxItems = Number((await readFieldOrPath(batcher, 'MaxItemsPerBatch', run.input)) ?? Number.POSITIVE_INFINITY);
  const maxBytes = Number((await readFieldOrPath(batcher, 'MaxInputBytesPerBatch', run.input)) ?? 256 * 1024);
  const batchInput = batcher.BatchInput === undefined ? undefined : await evaluatePayloadTemplate(batcher.BatchInput, run.input, run.context);
  const batches: Array<{ input: JsonValue; items: number }> = [];
  let current: JsonValue[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length === 0) return;
    const input: JsonObject = { Items: current };
    if (batchInput !== undefined) input.BatchInput = batchInput;
    batches.push({ input, items: current.length });
    current = [];
    bytes = 0;
  };
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item));
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) flush();
    current.push(item);
    bytes += size;
  }
  flush();
  return batches;
}

function exceedsTolerance(failedItems: number, totalItems: number, percentage: number | undefined, count: number | undefined): boolean {
  if (failedItems === 0) return false;
  if (percentage === undefined && count === undefined) return true;
  const overCount = count !== undefined && failedItems > count;
  const overPercentage = percentage !== undefined && (failedItems / totalItems) * 100 > percentage;
  if (percentage !== undefined && count !== undefined) return overCount && overPercentage;
  return overCount || overPercentage;
}

function describeRecord(record: ChildRecord, mapRunArn: string, stateMachineArn: string): JsonObject {
  const base: JsonObject = {
    ExecutionArn: `${mapRunArn}:${record.name}`,
    Input: JSON.stringify(record.input),
    InputDetails: { Included: true },
    Name: record.name,
    RedriveCount: 0,
    StartDate: record.startedAt,
    StateMachineArn: stateMachineArn,
    Status: record.outcome.status,
    StopDate: record.stoppedAt,
  };
  if (record.outcome.status === 'SUCCEEDED') return { ...base, Output: JSON.stringify(record.outcome.output), OutputDetails: { Included: true } };
  return { ...base, Error: record.outcome.error, Cause: record.outcome.cause };
}

async function writeResults(run: DistributedMapRun, records: ChildRecord[], mapRunArn: string, mapRunId: string): Promise<JsonValue> {
  const writer = run.state.ResultWriter as JsonObject;
  const parameters = (await evaluatePayloadTemplate((writer.Parameters ?? {}) as JsonValue, run.input, run.context)) as JsonObject;
  const bucket = String(parameters.Bucket ?? '');
  const prefix = String(parameters.Prefix ?? '').replace(/\/$/, '');
  const store = run.openBucket(bucket);
  const base = prefix ? `${prefix}/${mapRunId}` : mapRunId;
  const resultFiles: JsonObject = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    const selected = records.filter((record) => record.outcome.status === status);
    if (selected.length === 0) continue;
    const key = `${base}/${status}_0.json`;
    const body = JSON.stringify(selected.map((record) => describeRecord(record, mapRunArn, run.stateMachineArn)));
    await store.putText(key, body, 'application/json');
    (resultFiles[status] as JsonValue[]).push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${base}/manifest.json`;
  await store.putJson(manifestKey, { DestinationBucket: bucket, MapRunArn: mapRunArn, ResultFiles: resultFiles });
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
}

/** Runs the map to completion; resolves to its output or throws `States.ExceedToleratedFailureThreshold`. */
export async function runDistributedMap(run: DistributedMapRun): Promise<JsonValue> {
  const items = await selectItems(run, await readItems(run));
  const batches = await batchItems(run, items);
  const maxConcurrency = Number((await readFieldOrPath(run.state, 'MaxConcurrency', run.input)) ?? 0) || AWS_DISTRIBUTED_MAX_CONCURRENCY;
  const percentage = (await readFieldOrPath(run.state, 'ToleratedFailurePercentage', run.input)) as number | undefined;
  const count = (await readFieldOrPath(run.state, 'ToleratedFailureCount', run.input)) as number | undefined;
  const mapRunId = randomUUID();
  const mapRunArn = `${run.stateMachineArn.replace(':stateMachine:', ':mapRun:')}/${run.stateName}:${mapRunId}`;
  run.events.emitEvent({ type: 'map-started', stateName: run.stateName, scope: run.scope, items: items.length, batches: batches.length });

  const records: ChildRecord[] = [];
  let succeededItems = 0;
  let failedItems = 0;
  let next = 0;
  let exceeded = false;
  const worker = async () => {
    while (!exceeded && next < batches.length) {
      const index = next;
      next += 1;
      const batch = batches[index];
      const name = `${mapRunId.slice(0, 8)}-${String(index).padStart(5, '0')}`;
      const startedAt = new Date().toISOString();
      const outcome = await run.runChild(batch.input, name, index);
      records.push({ index, name, input: batch.input, items: batch.items, startedAt, stoppedAt: new Date().toISOString(), outcome });
      if (outcome.status === 'SUCCEEDED') succeededItems += batch.items;
      else failedItems += batch.items;
      run.events.emitEvent({
        type: 'map-item-finished', stateName: run.stateName, scope: run.scope, index, items: batch.items, status: outcome.status,
        error: outcome.status === 'FAILED' ? outcome.error : undefined, succeeded: succeededItems, failed: failedItems, total: items.length,
      });
      // Like a Map Run, stop starting children once the failure threshold is crossed; running ones finish.
      if (exceedsTolerance(failedItems, items.length, percentage, count)) exceeded = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(maxConcurrency, Math.max(1, batches.length)) }, worker));
  records.sort((a, b) => a.index - b.index);
  run.events.emitEvent({ type: 'map-finished', stateName: run.stateName, scope: run.scope, succeeded: succeededItems, failed: failedItems, total: items.length, status: exceeded ? 'FAILED' : 'SUCCEEDED' });

  const output = run.state.ResultWriter
    ? await writeResults(run, records, mapRunArn, mapRunId)
    : records.map((record) => (record.outcome.status === 'SUCCEEDED' ? record.outcome.output : { Error: record.outcome.error, Cause: record.outcome.cause }));
  if (exceeded) {
    const firstFailure = records.find((record) => record.outcome.status === 'FAILED')?.outcome as { error: string; cause: string } | undefined;
    throw new TaskError('States.ExceedToleratedFailureThreshold', `The specified tolerated failure threshold was exceeded: ${failedItems} of ${items.length} items failed` +
      (firstFailure ? ` (first: ${firstFailure.error}: ${firstFailure.cause.slice(0, 500)})` : ''));
  }
  return output;
}
