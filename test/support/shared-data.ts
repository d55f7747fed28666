// Access to the real datasets beside the project (../shared/datasets): skipped with a notice when absent, fatal in CI.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..', 'shared', 'datasets');

/** Absolute path of a file under ../shared/datasets, e.g. sharedDataPath('gsm8k/train.jsonl'). */
export function sharedDataPath(relative: string): string {
  return join(ROOT, relative);
}

export function sharedDataAvailable(): boolean {
  return existsSync(ROOT);
}

/**
 * describe() when the shared datasets exist. When they do not, the block is replaced by one visible
 * notice, or by a failing test when SWIRL_REQUIRE_SHARED_DATA=1 (CI must not skip them silently).
 */
export function describeWithSharedData(name: string, body: () => void): void {
  if (sharedDataAvailable()) {
    describe(name, body);
    return;
  }
  if (process.env.SWIRL_REQUIRE_SHARED_DATA === '1') {
    describe(name, () => {
      it('needs the shared datasets', () => {
        throw new Error(`${ROOT} is missing and SWIRL_REQUIRE_SHARED_DATA=1: the dataset tests cannot run`);
      });
    });
    return;
  }
  describe(name, () => {
    it(`runs only with ${ROOT} (absent here: skipped)`, () => {
      console.warn(`NOTICE: ${name}: skipped, ${ROOT} is absent`);
    });
  });
}
