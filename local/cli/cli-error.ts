// An error the CLI reports as one message and an exit code, without a stack trace.
export const EXIT_INVALID = 2;

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
