// A scratch directory under the OS temp folder for one test file or describe block, removed when the block ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TemporaryDirectory {
  /** The directory's path; reading it before beforeAll ran is a mistake in the test. */
  readonly path: string;
}

/** Registers beforeAll/afterAll hooks in the enclosing block. */
export function useTemporaryDirectory(prefix: string): TemporaryDirectory {
  let path: string | null = null;
  beforeAll(() => {
    path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (path) rmSync(path, { recursive: true, force: true });
  });
  return {
    get path() {
      if (!path) throw new Error(`the temporary directory ${prefix}* has not been created yet`);
      return path;
    },
  };
}
