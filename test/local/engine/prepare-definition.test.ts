// Preparing a definition for the interpreter: AWS's task timeouts, DISTRIBUTED maps handed to the engine, JSONPath only.
import { AslDefinition } from '../../../local/engine/asl-types';
import { LONGEST_TIMEOUT_SECONDS, prepareDefinition } from '../../../local/engine/prepare-definition';
import { listMainPathStates } from '../../../local/engine/local-state-machine';
import { buildFixtureDefinition } from './fixtures/fixture-definition';

describe('prepareDefinition', () => {
  it('gives tasks without TimeoutSeconds no 60 s limit, keeps explicit ones, and turns DISTRIBUTED maps into engine tasks', () => {
    const prepared = prepareDefinition(buildFixtureDefinition({ prepareTimeoutSeconds: 45 }));
    expect(prepared.definition.States.Prepare.TimeoutSeconds).toBe(45);
    expect(prepared.definition.States.Train.TimeoutSeconds).toBe(LONGEST_TIMEOUT_SECONDS);
    const map = prepared.definition.States.RolloutShards;
    expect(map.Type).toBe('Task');
    expect(map).not.toHaveProperty('ItemReader');
    expect(map).toMatchObject({ Next: 'Train', ResultPath: '$.rollout', Catch: [{ Next: 'RecordFailure' }] });
    expect([...prepared.tasks.values()].map((task) => [task.stateName, task.kind, task.maps])).toEqual([
      ['Prepare', 'lambda-invoke', []],
      ['Rollout', 'lambda-direct', ['RolloutShards']],
      ['RolloutShards', 'distributed-map', []],
      ['Train', 'batch-sync', []],
      ['RecordFailure', 'lambda-invoke', []],
    ]);
    expect(prepared.tasks.get('RolloutShards')!.state.ItemProcessor).not.toHaveProperty('ProcessorConfig');
    expect(prepared.retryingStates.sort()).toEqual(['Prepare', 'RecordFailure', 'Rollout']);
  });

  it('rejects JSONata and state names used twice', () => {
    const jsonata = { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } as AslDefinition;
    expect(() => prepareDefinition(jsonata)).toThrow(/JSONPath definitions only/);
    const duplicate = {
      StartAt: 'Rollout',
      States: {
        Rollout: { Type: 'Map', ItemProcessor: { StartAt: 'Rollout', States: { Rollout: { Type: 'Pass', End: true } } }, End: true },
      },
    } as AslDefinition;
    expect(() => prepareDefinition(duplicate)).toThrow(/"Rollout" appears twice/);
  });

  it('lists the states on the normal path, leaving out those reached only through Catch', () => {
    const states = listMainPathStates(buildFixtureDefinition());
    expect([...states].sort()).toEqual(['Done', 'Prepare', 'Rollout', 'RolloutShards', 'Train']);
  });
});
