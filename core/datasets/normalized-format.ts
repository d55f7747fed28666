// Rows already in the normalized DatasetRow shape: imported datasets and generated hop/arith task files.
import type { ParsedRecord } from './dataset-record';
import { requireObject } from './record-fields';

/** Validation happens in the loader against DatasetRowSchema, which names every bad field. */
export function parseNormalizedRecord(value: unknown): ParsedRecord[] {
  return [{ row: requireObject(value) as ParsedRecord['row'], documents: [] }];
}
