// Parses one line of a JSON Lines file, turning unparseable text into the same clear per-line error everywhere.

export type ParsedJsonLine = { value: unknown; error?: undefined } | { error: string; value?: undefined };

export function parseJsonLine(text: string): ParsedJsonLine {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `expected a JSON object, received unparseable text (${(error as Error).message})` };
  }
}
