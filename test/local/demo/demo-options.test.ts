import { CliError, EXIT_INVALID } from '../../../local/cli/cli-error';
import { createProgram } from '../../../local/cli/main';
import { parseStrategies, readDemoSize } from '../../../local/demo/demo-options';

describe('demo command options', () => {
  it('reads sizes as positive integers and names the option and the value it rejects', () => {
    expect(readDemoSize({ questions: '12', evalQuestions: '30', trainSteps: '5' })).toEqual({ questions: 12, evalQuestions: 30, trainSteps: 5 });
    expect(readDemoSize({})).toEqual({ questions: undefined, evalQuestions: undefined, trainSteps: undefined });
    expect(() => readDemoSize({ questions: '2.5' })).toThrow('--questions: expected a positive integer, received "2.5"');
    try {
      readDemoSize({ trainSteps: 'many' });
      throw new Error('expected a CliError');
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(EXIT_INVALID);
    }
  });

  it('reads filter strategies, all four by default', () => {
    expect(parseStrategies(undefined)).toEqual(['none', 'process', 'outcome', 'process+outcome']);
    expect(parseStrategies('process, process+outcome')).toEqual(['process', 'process+outcome']);
    expect(() => parseStrategies('best')).toThrow('--strategies: expected a comma-separated list of none | process | outcome | process+outcome, received "best"');
  });

  it('registers `demo` and `ablate filters` on the swirl command', () => {
    const program = createProgram();
    const demo = program.commands.find((command) => command.name() === 'demo');
    expect(demo?.options.map((option) => option.long)).toEqual(expect.arrayContaining(['--json', '--questions', '--keep', '--filter']));
    const ablate = program.commands.find((command) => command.name() === 'ablate');
    expect(ablate?.commands.map((command) => command.name())).toEqual(['filters']);
  });
});
