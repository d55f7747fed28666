// Tool registry: registration, tag rules and tool failures as result text.
import { executeTool, Tool } from '../../../core/tools/tool';
import { ToolRegistry } from '../../../core/tools/tool-registry';

const tool = (name: string, tag: string): Tool => ({ name, tag, description: `${name} tool.`, execute: async (input) => input.toUpperCase() });

describe('ToolRegistry', () => {
  it('registers user tools and describes them for the prompt', async () => {
    const registry = new ToolRegistry([tool('shout', 'shout')]).register(tool('echo', 'echo_text'));
    expect(registry.tags()).toEqual(['shout', 'echo_text']);
    expect(registry.findByName('echo')?.tag).toBe('echo_text');
    expect(registry.describe()).toBe('  <shout>...</shout> shout tool.\n  <echo_text>...</echo_text> echo tool.');
    expect(await registry.findByTag('shout')!.execute('hi')).toBe('HI');
  });

  it('rejects duplicate, reserved and malformed tags', () => {
    const registry = new ToolRegistry([tool('shout', 'shout')]);
    expect(() => registry.register(tool('other', 'shout'))).toThrow(/already registered by "shout"/);
    expect(() => registry.register(tool('shout', 'yell'))).toThrow(/name "shout" is already registered/);
    expect(() => registry.register(tool('final', 'answer'))).toThrow(/reserved/);
    expect(() => registry.register(tool('bad', 'Bad Tag'))).toThrow(/expected a tag of lowercase letters, digits and _, received "Bad Tag"/);
  });

  it('turns a throwing tool into result text', async () => {
    const broken: Tool = { name: 'broken', tag: 'broken', description: 'x', execute: async () => { throw new Error('boom'); } };
    expect(await executeTool(broken, 'x')).toEqual({ result: 'Error: boom', error: 'broken: boom' });
  });
});
