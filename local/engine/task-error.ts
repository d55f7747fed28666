// An error raised by a locally run task, named the way Step Functions names it so Retry and Catch match.
export class TaskError extends Error {
  /** The Step Functions `Cause` string (for Lambda errors, the JSON error payload AWS returns). */
  readonly causeText: string;

  constructor(errorName: string, causeText: string) {
    super(causeText);
    this.name = errorName;
    this.causeText = causeText;
  }
}

/** The error type AWS Lambda reports: the error's own name, or its class name when the name was left generic. */
export function describeErrorType(error: unknown): string {
  if (!(error instanceof Error)) return 'Error';
  if (error.name && error.name !== 'Error') return error.name;
  const className = error.constructor?.name;
  return className && className !== 'Object' ? className : 'Error';
}

/** Converts whatever a handler threw into the error Step Functions would see from a Lambda integration. */
export function toLambdaTaskError(error: unknown): TaskError {
  if (error instanceof TaskError) return error;
  const errorType = describeErrorType(error);
  const errorMessage = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error && error.stack ? error.stack.split('\n').map((line) => line.trim()) : [];
  return new TaskError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}
