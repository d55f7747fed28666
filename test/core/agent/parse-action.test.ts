// Action parsing of model outputs: tool calls, answers, and every kind of invalid output.
import { ACTION_LIMITS, parseAction } from '../../../core/agent/parse-action';
import { createCalculatorTool } from '../../../core/tools/calculator';
import { Tool } from '../../../core/tools/tool';
import { ToolRegistry } from '../../../core/tools/tool-registry';
import { ActionSchema } from '../../../core/schemas';

const search: Tool = { name: 'search', tag: 'search_query', description: 'finds documents.', execute: async (input) => `doc for ${input}` };
const tools = new ToolRegistry([search, createCalculatorTool()]);

describe('parseAction', () => {
  it('reads a tool call after free reasoning', () => {
    const action = parseAction('I need the album first.\n<search_query> Tinted Windows album </search_query>', tools);
    expect(action).toEqual({ type: 'tool_call', tool: 'search', tag: 'search_query', input: 'Tinted Windows album' });
  });

  it('reads calculator calls and answers', () => {
    expect(parseAction('<math_exp>48/2</math_exp>', tools)).toEqual({ type: 'tool_call', tool: 'calculator', tag: 'math_exp', input: '48/2' });
    expect(parseAction('So the total is 72.\n<answer>72</answer>', tools)).toEqual({ type: 'answer', answer: '72' });
  });

  it('takes the first complete action when two are written', () => {
    const action = parseAction('<math_exp>2+2</math_exp> then <answer>4</answer>', tools);
    expect(action).toEqual({ type: 'tool_call', tool: 'calculator', tag: 'math_exp', input: '2+2' });
    expect(parseAction('<answer>4</answer><search_query>x</search_query>', tools)).toEqual({ type: 'answer', answer: '4' });
  });

  it('skips an unclosed tag when a later action is complete', () => {
    expect(parseAction('<search_query>oops <answer>Tulsa</answer>', tools)).toEqual({ type: 'answer', answer: 'Tulsa' });
  });

  it('tolerates tag case and inner spaces', () => {
    expect(parseAction('<Answer >Tulsa</ answer>', tools)).toEqual({ type: 'answer', answer: 'Tulsa' });
  });

  it('reports an unclosed tag', () => {
    const action = parseAction('Let me search. <search_query>Tinted Windows', tools);
    expect(action).toMatchObject({ type: 'invalid', reason: 'unclosed_tag' });
    expect(ActionSchema.parse(action)).toEqual(action);
  });

  it('reports output without an action, quoting what it received', () => {
    const action = parseAction('The answer is probably Tulsa.', tools);
    expect(action).toMatchObject({ type: 'invalid', reason: 'no_action' });
    expect(action.type === 'invalid' && action.detail).toContain('The answer is probably Tulsa.');
    expect(parseAction('', tools)).toMatchObject({ type: 'invalid', reason: 'no_action' });
    expect(parseAction('<python>print(1)</python>', tools)).toMatchObject({ type: 'invalid', reason: 'no_action' });
  });

  it('reports empty queries and empty answers', () => {
    expect(parseAction('<search_query>   </search_query>', tools)).toMatchObject({ type: 'invalid', reason: 'empty_input' });
    expect(parseAction('<answer></answer>', tools)).toMatchObject({ type: 'invalid', reason: 'empty_input' });
  });

  it('reports answers and tool inputs over the length limits', () => {
    const huge = `<answer>${'x'.repeat(50 * 1024)}</answer>`;
    expect(parseAction(huge, tools)).toMatchObject({ type: 'invalid', reason: 'too_long' });
    const longQuery = `<search_query>${'y'.repeat(ACTION_LIMITS.maxToolInputLength + 1)}</search_query>`;
    expect(parseAction(longQuery, tools)).toMatchObject({ type: 'invalid', reason: 'too_long' });
  });

  it('reports a built-in tool the run did not enable', () => {
    const calculatorOnly = new ToolRegistry([createCalculatorTool()]);
    expect(parseAction('<search_query>Tulsa</search_query>', calculatorOnly)).toMatchObject({ type: 'invalid', reason: 'unknown_tool' });
  });

  it('recognises the tags of user tools', () => {
    const weather: Tool = { name: 'weather', tag: 'weather_lookup', description: 'forecast.', execute: async () => 'sunny' };
    const registry = new ToolRegistry([weather]);
    expect(parseAction('<weather_lookup>Tulsa</weather_lookup>', registry)).toEqual({ type: 'tool_call', tool: 'weather', tag: 'weather_lookup', input: 'Tulsa' });
  });

  it('stays linear on long outputs full of unclosed tags', () => {
    const output = '<search_query>a '.repeat(5000);
    const started = performance.now();
    expect(parseAction(output, tools)).toMatchObject({ type: 'invalid', reason: 'unclosed_tag' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
