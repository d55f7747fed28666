// What a tool is: a name, the XML tag the policy writes to call it, a one-line description, and an executor.

export interface Tool {
  /** Registry name, e.g. "search". */
  readonly name: string;
  /** The action tag, e.g. "search_query" for `<search_query>…</search_query>`. */
  readonly tag: string;
  /** Shown to the policy in the tool list of the system prompt. */
  readonly description: string;
  /** Returns the result text shown to the model; failures come back as text too, never as exceptions. */
  execute(input: string): Promise<string>;
}

/** Runs a tool and turns any thrown failure into result text, so a broken tool never ends a rollout. */
export async function executeTool(tool: Tool, input: string): Promise<{ result: string; error: string | null }> {
  try {
    return { result: await tool.execute(input), error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { result: `Error: ${message}`, error: `${tool.name}: ${message}` };
  }
}
