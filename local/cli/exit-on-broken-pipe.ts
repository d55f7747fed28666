// A reader that stops early (`swirl datasets stats … | head`) closes the pipe; the command then ends quietly, as Unix tools do, instead of with an EPIPE stack trace.

const INSTALLED = Symbol.for('swirl.exitQuietlyOnBrokenPipe');

function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/**
 * Installs once per stream: an EPIPE on stdout or stderr exits 0 at once; any other stream error is rethrown.
 * Other error listeners do not stand in for this one: `readable.pipe(process.stdout)` adds a listener that removes
 * itself on the first error and rethrows it when it was the only one left.
 */
export function exitQuietlyOnBrokenPipe(
  streams: NodeJS.WritableStream[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  for (const stream of streams) {
    const marked = stream as NodeJS.WritableStream & { [INSTALLED]?: true };
    if (marked[INSTALLED]) continue;
    marked[INSTALLED] = true;
    stream.on('error', (error: unknown) => {
      // Nothing more can be shown to anyone: the reader is gone.
      if (isBrokenPipe(error)) return exit(0);
      throw error;
    });
  }
}
