// Run config text → JSON value: a byte-order mark is dropped, oversized or unparseable text is a problem with a clear message.

/** Largest run config accepted: real ones are a few kilobytes; anything near this is the wrong file. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type ParsedConfigJson = { value: unknown; problem?: undefined } | { problem: string; value?: undefined };

export function parseConfigJson(text: string): ParsedConfigJson {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) return { problem: `$: expected a config of at most ${MAX_CONFIG_BYTES} bytes, received ${bytes}` };
  // Windows editors save UTF-8 with a byte-order mark, which JSON.parse refuses.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return { problem: '$: expected a JSON config object, received an empty file' };
  try {
    return { value: JSON.parse(body) as unknown };
  } catch (error) {
    return { problem: `$: expected JSON, received unparseable text (${(error as Error).message})` };
  }
}
