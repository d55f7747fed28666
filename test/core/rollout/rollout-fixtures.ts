// Shared set-up of rollout tests: a run's config, shard, manifest and corpus written to the embedded S3 server.
import { RunConfigInput, RunConfigSchema, DatasetRow, DatasetRowSchema, Message } from '../../../core/schemas';
import { GenerateOptions, GenerateResult, ModelProvider } from '../../../core/providers/model-provider';
import { ScriptedProvider } from '../../../core/providers/scripted-provider';
import { ObjectStore, RunStore } from '../../../core/store';

export const QUESTIONS: DatasetRow[] = ['Tulsa', 'Paris', 'Lima', 'Oslo'].map((city, index) => DatasetRowSchema.parse({
  id: `q${index}`, question: `Which city is number ${index}?`, answer: city, task: 'qa', source: 'hotpotqa',
}));

export async function writeRun(objects: ObjectStore, runId: string, overrides: Partial<RunConfigInput> = {}, shards = ['shard-00000']): Promise<RunStore> {
  const store = new RunStore(objects, runId);
  const config = RunConfigSchema.parse({
    runId,
    dataset: { source: 'datasets/cities', format: 'hotpotqa' },
    policy: { provider: 'scripted', responses: ['<search_query>city</search_query>', '<answer>Tulsa</answer>'] },
    samplesPerQuestion: 2,
    ...overrides,
  });
  await store.putJson('config.json', config);
  await store.putJson('shards/manifest.json', shards.map((shard) => ({ runId, shard })));
  for (const shard of shards) await store.putJsonLines(`shards/${shard}.jsonl`, QUESTIONS);
  await store.putJsonLines('corpus/corpus.jsonl', [{ id: 'tulsa', title: 'Tulsa', text: 'Tulsa is a city in Oklahoma.' }]);
  return store;
}

/** Counts calls per conversation opening, and how many run at once, around a scripted policy. */
export class CountingProvider implements ModelProvider {
  readonly id = 'counting:script';
  calls = 0;
  running = 0;
  peak = 0;
  readonly questionsCalled = new Set<string>();
  /** The sampling seed of every call, in call order. */
  readonly seeds: (number | undefined)[] = [];
  private readonly inner: ScriptedProvider;

  constructor(responses: string[], private readonly delayMs = 0) {
    this.inner = new ScriptedProvider({ model: 'script', responses });
  }

  async generate(messages: Message[], options?: GenerateOptions): Promise<GenerateResult> {
    this.calls += 1;
    this.seeds.push(options?.seed);
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    this.questionsCalled.add(messages.find((message) => message.role === 'user')?.content ?? '');
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      return await this.inner.generate(messages, options);
    } finally {
      this.running -= 1;
    }
  }
}
