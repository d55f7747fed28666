// Line-by-line readers over files and streams, so datasets of any size load with bounded memory.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';

/** One line of text with its 1-based number. */
export interface NumberedLine {
  line: number;
  text: string;
}

/** A re-openable source of lines: loaders read a dataset once for questions and once more for its corpus. */
export type LineSource = () => AsyncIterable<NumberedLine>;

/** Yields the lines of a readable stream, numbered from 1; CRLF endings are handled. */
export async function* readStreamLines(stream: Readable): AsyncGenerator<NumberedLine> {
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of reader) {
      line += 1;
      // Files saved by some editors start with a byte-order mark that JSON.parse refuses.
      yield { line, text: line === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text };
    }
  } finally {
    reader.close();
    stream.destroy();
  }
}

/** A LineSource over a local file. */
export function fileLineSource(path: string): LineSource {
  return () => readStreamLines(createReadStream(path, { encoding: 'utf8' }));
}

/** A LineSource over in-memory text (tests, small inputs). */
export function textLineSource(text: string): LineSource {
  return () => readStreamLines(Readable.from([text]));
}
