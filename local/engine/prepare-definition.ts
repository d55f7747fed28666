// Turns a synthesized definition into one the interpreter can run: DISTRIBUTED maps become engine-run tasks, and tasks get AWS's timeouts.
import {
  AslDefinition,
  AslProcessor,
  AslState,
  BATCH_SUBMIT_SYNC_RESOURCE,
  isDistributedMap,
  LAMBDA_INVOKE_RESOURCE,
} from './asl-types';

/** The longest timer Node can arm (2^31-1 ms); AWS's default task timeout (99999999 s) is capped to it. */
export const LONGEST_TIMEOUT_SECONDS = 2_147_483;
export const DISTRIBUTED_MAP_RESOURCE = 'arn:aws:states:::local:distributedMap';

export type TaskKind = 'lambda-invoke' | 'lambda-direct' | 'batch-sync' | 'distributed-map' | 'unsupported';

export interface TaskInfo {
  stateName: string;
  kind: TaskKind;
  resource: string;
  /** The state as written in the definition (for a distributed map: with its processor already prepared). */
  state: AslState;
  /** Enclosing map states, outermost first. */
  maps: string[];
}

export interface PreparedDefinition {
  definition: AslDefinition;
  tasks: Map<string, TaskInfo>;
  /** Every state that has a Retry field, for retry-interval overrides. */
  retryingStates: string[];
  /** For every state, its enclosing map states, outermost first. */
  scopes: Map<string, string[]>;
}

const MAP_ONLY_FIELDS = [
  'ItemProcessor', 'Iterator', 'ItemReader', 'ItemSelector', 'ItemBatcher', 'ResultWriter', 'ItemsPath', 'Parameters',
  'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath',
  'ToleratedFailureCount', 'ToleratedFailureCountPath', 'Label',
];

function classifyTask(resource: string): TaskKind {
  if (LAMBDA_INVOKE_RESOURCE.test(resource)) return 'lambda-invoke';
  if (BATCH_SUBMIT_SYNC_RESOURCE.test(resource)) return 'batch-sync';
  if (/^arn:[a-z-]+:states:::/.test(resource)) return 'unsupported';
  return 'lambda-direct';
}

function withTimeout(state: AslState): AslState {
  if (state.TimeoutSecondsPath !== undefined) return state;
  const timeout = state.TimeoutSeconds === undefined ? LONGEST_TIMEOUT_SECONDS : Math.min(state.TimeoutSeconds, LONGEST_TIMEOUT_SECONDS);
  return { ...state, TimeoutSeconds: timeout };
}

class DefinitionPreparer {
  readonly tasks = new Map<string, TaskInfo>();
  readonly retryingStates: string[] = [];
  readonly scopes = new Map<string, string[]>();
  private readonly seen = new Set<string>();

  prepare(definition: AslDefinition, maps: string[]): AslDefinition {
    if (definition.QueryLanguage === 'JSONata') throw new Error('the local engine runs JSONPath definitions only: expected QueryLanguage JSONPath, received JSONata');
    const states: Record<string, AslState> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (this.seen.has(name)) throw new Error(`state name ${JSON.stringify(name)} appears twice: expected names unique across the whole state machine`);
      this.seen.add(name);
      this.scopes.set(name, maps);
      if (state.QueryLanguage === 'JSONata') throw new Error(`state ${JSON.stringify(name)} uses JSONata: the local engine runs JSONPath states only`);
      if (state.Retry) this.retryingStates.push(name);
      states[name] = this.prepareState(name, state, maps);
    }
    return { ...definition, States: states };
  }

  private prepareProcessor(processor: AslProcessor, maps: string[]): AslProcessor {
    const { ProcessorConfig: _config, ...rest } = processor;
    return this.prepare(rest, maps);
  }

  private prepareState(name: string, state: AslState, maps: string[]): AslState {
    if (state.Type === 'Task') {
      const resource = String(state.Resource ?? '');
      this.tasks.set(name, { stateName: name, kind: classifyTask(resource), resource, state, maps });
      return withTimeout(state);
    }
    if (state.Type === 'Map' && isDistributedMap(state)) {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (!processor) throw new Error(`map state ${JSON.stringify(name)} has no ItemProcessor`);
      const prepared = { ...state, ItemProcessor: this.prepareProcessor(processor, [...maps, name]) };
      delete prepared.Iterator;
      this.tasks.set(name, { stateName: name, kind: 'distributed-map', resource: DISTRIBUTED_MAP_RESOURCE, state: prepared, maps });
      const task: AslState = { Type: 'Task', Resource: DISTRIBUTED_MAP_RESOURCE, TimeoutSeconds: LONGEST_TIMEOUT_SECONDS };
      for (const [field, value] of Object.entries(state)) {
        if (field !== 'Type' && !MAP_ONLY_FIELDS.includes(field)) task[field] = value;
      }
      return task;
    }
    if (state.Type === 'Map') {
      const prepared: AslState = { ...state };
      if (state.ItemProcessor) prepared.ItemProcessor = this.prepareProcessor(state.ItemProcessor, [...maps, name]);
      if (state.Iterator) prepared.Iterator = this.prepareProcessor(state.Iterator, [...maps, name]);
      return prepared;
    }
    if (state.Type === 'Parallel' && state.Branches) {
      return { ...state, Branches: state.Branches.map((branch) => this.prepare(branch, maps)) };
    }
    return state;
  }
}

/** Prepares a definition for local execution and lists its tasks by state name (names are unique machine-wide). */
export function prepareDefinition(definition: AslDefinition): PreparedDefinition {
  const preparer = new DefinitionPreparer();
  const prepared = preparer.prepare(definition, []);
  return { definition: prepared, tasks: preparer.tasks, retryingStates: preparer.retryingStates, scopes: preparer.scopes };
}
