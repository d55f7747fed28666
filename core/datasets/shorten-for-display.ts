// Cuts long strings inside a value before it is echoed (a sample row, an error), so one huge field never floods a terminal.

/** Longest string echoed whole; longer ones keep their start and say how much was cut. */
export const DISPLAY_STRING_LIMIT = 300;

export function shortenForDisplay<T>(value: T, limit = DISPLAY_STRING_LIMIT): T {
  if (typeof value === 'string') {
    return (value.length > limit ? `${value.slice(0, limit)}… (${value.length - limit} more characters)` : value) as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => shortenForDisplay(item, limit)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortenForDisplay(item, limit)])) as T;
  }
  return value;
}
