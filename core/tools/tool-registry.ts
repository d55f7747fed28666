// The set of tools a policy may call, looked up by name or by action tag; users add tools without touching the loop.
import { Tool } from './tool';

const TAG_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const RESERVED_TAGS = new Set(['answer']);

export class ToolRegistry {
  private readonly byTag = new Map<string, Tool>();
  private readonly byName = new Map<string, Tool>();

  constructor(tools: Tool[] = []) {
    for (const tool of tools) this.register(tool);
  }

  register(tool: Tool): this {
    if (!TAG_PATTERN.test(tool.tag)) {
      throw new Error(`tool ${JSON.stringify(tool.name)}: expected a tag of lowercase letters, digits and _, received ${JSON.stringify(tool.tag)}`);
    }
    if (RESERVED_TAGS.has(tool.tag)) throw new Error(`tool ${JSON.stringify(tool.name)}: the tag "${tool.tag}" is reserved for final answers`);
    if (this.byTag.has(tool.tag)) throw new Error(`tool tag ${JSON.stringify(tool.tag)} is already registered by ${JSON.stringify(this.byTag.get(tool.tag)!.name)}`);
    if (this.byName.has(tool.name)) throw new Error(`tool name ${JSON.stringify(tool.name)} is already registered`);
    this.byTag.set(tool.tag, tool);
    this.byName.set(tool.name, tool);
    return this;
  }

  findByTag(tag: string): Tool | undefined {
    return this.byTag.get(tag);
  }

  findByName(name: string): Tool | undefined {
    return this.byName.get(name);
  }

  list(): Tool[] {
    return [...this.byTag.values()];
  }

  tags(): string[] {
    return [...this.byTag.keys()];
  }

  /** One line per tool, in the form the default system prompt expects for {{toolList}}. */
  describe(): string {
    return this.list().map((tool) => `  <${tool.tag}>...</${tool.tag}> ${tool.description}`).join('\n');
  }
}
