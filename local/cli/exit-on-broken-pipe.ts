// A reader that stops early (`swirl datasets stats … | head`) closes the pipe; the command then ends quietly, as Unix tools do, instead of with an EPIPE stack trace.

function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/** Installs once per process: an EPIPE on stdout or stderr exits 0 at once; any other stream error is rethrown. */
export function exitQuietlyOnBrokenPipe(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (stream.listenerCount('error') > 0) continue;
    stream.on('error', (error) => {
      // Nothing more can be shown to anyone: the reader is gone.
      if (isBrokenPipe(error)) process.exit(0);
      throw error;
    });
  }
}
