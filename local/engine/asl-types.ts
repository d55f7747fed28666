// The parts of an Amazon States Language (JSONPath) definition the local engine reads.
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface AslCatcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

export interface AslState {
  Type: 'Task' | 'Map' | 'Parallel' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';
  Resource?: string;
  Parameters?: JsonValue;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
  Next?: string;
  End?: boolean;
  ItemProcessor?: AslProcessor;
  Iterator?: AslProcessor;
  Branches?: AslDefinition[];
  [field: string]: unknown;
}

export interface AslProcessor extends AslDefinition {
  ProcessorConfig?: { Mode?: 'INLINE' | 'DISTRIBUTED'; ExecutionType?: 'STANDARD' | 'EXPRESS' };
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  Comment?: string;
  TimeoutSeconds?: number;
  Version?: string;
  QueryLanguage?: string;
}

export const LAMBDA_INVOKE_RESOURCE = /^arn:[a-z-]+:states:::lambda:invoke$/;
export const LAMBDA_FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[^:]+(:[^:]+)?$/;
export const BATCH_SUBMIT_SYNC_RESOURCE = /^arn:[a-z-]+:states:::batch:submitJob\.sync$/;
export const S3_GET_OBJECT_RESOURCE = /^arn:[a-z-]+:states:::s3:getObject$/;
export const S3_PUT_OBJECT_RESOURCE = /^arn:[a-z-]+:states:::s3:putObject$/;

export function isDistributedMap(state: AslState): boolean {
  return state.Type === 'Map' && (state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED' || state.ItemReader !== undefined);
}
